import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// 行政复议意见书 (行政复议法第七十六条): issued to the respondent or another lower agency about an
/// unlawful or improper act found while handling a case; the recipient reports its correction
/// within sixty days.
public final class ReconsiderationOpinion: Model, @unchecked Sendable {
    public static let schema = "reconsideration_opinions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var reconsiderationCase: ReconsiderationCase
    @Field(key: "recipient_id") public var recipientID: UUID
    @Field(key: "recipient_path") public var recipientPath: String
    @Field(key: "issued_on") public var issuedOn: String
    @Field(key: "content") public var content: String
    /// 第七十六条: the sixty days run from the recipient's receipt.
    @OptionalField(key: "received_on") public var receivedOn: String?
    @OptionalField(key: "replied_on") public var repliedOn: String?
    @OptionalField(key: "reply") public var reply: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { ReconsiderationRoute.record.path($reconsiderationCase.id) + "#opinion-\(id!)" }
}

extension ReconsiderationMigrations {
    struct CreateOpinions: AsyncMigration {
        var name: String { "reconsideration.002.opinions" }

        func prepare(on database: any Database) async throws {
            try await database.schema("reconsideration_opinions")
                .id()
                .field("case_id", .uuid, .required, .references("reconsideration_cases", "id"))
                .field("recipient_id", .uuid, .required, .references("units", "id"))
                .field("recipient_path", .string, .required)
                .field("issued_on", .string, .required)
                .field("content", .string, .required)
                .field("replied_on", .string)
                .field("reply", .string)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("reconsideration_opinions").delete()
        }
    }
}

extension ReconsiderationClocks {
    /// 第七十六条: the recipient reports how it corrected the act within sixty days of receiving the letter.
    public static let opinionReply = kind("opinion-reply", "报送意见书纠正情况", .days(60), "行政复议法第七十六条")
}

public enum OpinionService {
    /// Issues an opinion letter from a case that has been accepted; starts the recipient's 60 days
    /// from its receipt (第七十六条), or from issue until the receipt is recorded.
    @discardableResult
    public static func issue(caseID: UUID, recipientCode: String?, issuedOn: CivilDate, receivedOn: CivilDate? = nil, content: String, by principal: Principal,
                             services: FazhiServices, on db: any Database) async throws -> ReconsiderationOpinion {
        let stamp = services.now
        var validator = Validator()
        let text = validator.required(content, field: "text", label: "意见书内容", maxLength: 2000)
        let code = validator.required(recipientCode, field: "recipientCode", label: "收文机关（单位编码）", maxLength: 32)
        if issuedOn > CivilDateTime(stamp).date { validator.add("on", "日期", "不能晚于今天") }
        if let receivedOn, receivedOn < issuedOn || receivedOn > CivilDateTime(stamp).date { validator.add("receivedOn", "收文机关收到日期", "应在制发日期至今天之间") }
        try validator.check()
        return try await db.write { tx in
            let row = try await CaseService.find(caseID, for: principal, on: tx)
            guard row.accepted else {
                throw ValidationFailure(field: "action", label: "操作", message: "意见书在办理已受理的行政复议案件过程中制发（行政复议法第七十六条）")
            }
            guard let recipient = try await UnitService.find(code: code, on: tx) else {
                throw ValidationFailure(field: "recipientCode", label: "收文机关（单位编码）", message: "没有编码为“\(code)”的单位")
            }
            guard principal.covers(unitPath: recipient.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
            let opinion = ReconsiderationOpinion()
            opinion.$reconsiderationCase.id = row.id!
            opinion.recipientID = recipient.id!
            opinion.recipientPath = recipient.path
            opinion.issuedOn = issuedOn.description
            opinion.receivedOn = receivedOn?.description
            opinion.content = text
            opinion.createdAt = stamp
            try await opinion.create(on: tx)
            let reason = receivedOn.map { "收文机关于\($0)收到行政复议意见书（行政复议法第七十六条：自收到之日起六十日内）" }
                ?? "制发行政复议意见书；收文机关收到日期尚未记录，暂自制发之日起计算（行政复议法第七十六条：自收到之日起六十日内）"
            try await ClockService.open(kind: ReconsiderationClocks.opinionReply.key, unitID: recipient.id, title: "\(row.caseNumber) 意见书", record: opinion.clockRecord,
                                        start: CivilDateTime(date: receivedOn ?? issuedOn), startReason: reason, by: principal, services: services, on: tx)
            try await CaseService.log(row, action: "opinion", on: issuedOn, detail: "向\(recipient.name)制发行政复议意见书：\(text)", by: principal, stamp: stamp, on: tx)
            return opinion
        }
    }

    /// Records the day the recipient received the opinion letter: its sixty days run again from it.
    public static func recordReceipt(opinionID: UUID, on date: CivilDate, by principal: Principal, services: FazhiServices,
                                     on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            guard let opinion = try await ReconsiderationOpinion.find(opinionID, on: tx) else { throw Abort(.notFound) }
            let row = try await CaseService.find(opinion.$reconsiderationCase.id, for: principal, on: tx)
            if let received = opinion.receivedOn { throw ValidationFailure(field: "on", label: "日期", message: "已记录收文机关于\(received)收到") }
            guard opinion.repliedOn == nil else { throw ValidationFailure(field: "on", label: "日期", message: "已收到纠正情况报告") }
            guard date >= CivilDate(opinion.issuedOn)!, date <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在意见书制发日期与今天之间")
            }
            opinion.receivedOn = date.description
            try await opinion.update(on: tx)
            if let clock = try await ClockService.openClock(kind: ReconsiderationClocks.opinionReply.key, record: opinion.clockRecord, on: tx) {
                try await ClockService.record(.restart(date, reason: "收文机关于\(date)收到行政复议意见书，期限自收到之日起计算（行政复议法第七十六条）"),
                                              on: clock.id!, by: principal, services: services, on: tx)
            }
            try await CaseService.log(row, action: "opinion-received", on: date, detail: "收文机关收到行政复议意见书", by: principal, stamp: stamp, on: tx)
        }
    }

    /// Records the recipient's report on the correction; closes its clock.
    public static func recordReply(opinionID: UUID, on date: CivilDate, reply: String, by principal: Principal, services: FazhiServices,
                                   on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            guard let opinion = try await ReconsiderationOpinion.find(opinionID, on: tx) else { throw Abort(.notFound) }
            let row = try await CaseService.find(opinion.$reconsiderationCase.id, for: principal, on: tx)
            guard opinion.repliedOn == nil else { throw ValidationFailure(field: "on", label: "日期", message: "已于\(opinion.repliedOn!)收到纠正情况报告") }
            guard date >= CivilDate(opinion.issuedOn)!, date <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在意见书制发日期与今天之间")
            }
            opinion.repliedOn = date.description
            opinion.reply = reply.trimmingCharacters(in: .whitespacesAndNewlines)
            try await opinion.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: date), reason: "收到纠正情况报告"), kind: ReconsiderationClocks.opinionReply.key, record: opinion.clockRecord, by: principal, services: services, on: tx)
            try await CaseService.log(row, action: "opinion-reply", on: date, detail: "收到意见书纠正情况报告", by: principal, stamp: stamp, on: tx)
        }
    }
}

extension ReconsiderationMetrics {
    static var opinionMetrics: [MetricDefinition] {
        @Sendable func issued(_ scope: MetricScope, _ db: any Database) -> QueryBuilder<ReconsiderationOpinion> {
            let (start, end) = bounds(scope)
            let query = ReconsiderationOpinion.query(on: db).filter(\.$issuedOn >= start).filter(\.$issuedOn < end)
            if let path = scope.unitPath { query.filter(\.$recipientPath =~ path) }
            return query
        }
        @Sendable func opinionRef(_ row: ReconsiderationOpinion) -> MetricRecordRef {
            MetricRecordRef(id: row.id!.uuidString, title: "意见书 \(row.issuedOn)", link: row.link)
        }
        return [
            MetricDefinition(key: "reconsideration.opinions", label: "制发行政复议意见书", definition: "本年度制发的行政复议意见书份数（行政复议法第七十六条）",
                             unit: .piece, compute: { scope, db in .count(try await issued(scope, db).count()) }, records: .query({ scope, db in issued(scope, db).sort(\.$issuedOn) }, opinionRef)),
            MetricDefinition(key: "reconsideration.opinions-replied", label: "意见书已报送纠正情况", definition: "本年度制发的意见书中已报送纠正情况的份数",
                             unit: .piece, compute: { scope, db in .count(try await issued(scope, db).filter(\.$repliedOn != nil).count()) }, records: .query({ scope, db in issued(scope, db).filter(\.$repliedOn != nil).sort(\.$issuedOn) }, opinionRef)),
        ]
    }
}
