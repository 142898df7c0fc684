import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Who did something, as the audit trail records it.
public struct AuditActor: Sendable, Equatable {
    public var id: String
    public var name: String
    public var unitID: String
    public var ip: String

    public init(id: String, name: String, unitID: String, ip: String) {
        self.id = id
        self.name = name
        self.unitID = unitID
        self.ip = ip
    }

    public static func anonymous(ip: String) -> AuditActor {
        AuditActor(id: "anonymous", name: "未登录", unitID: "", ip: ip)
    }
}

/// What happened, as the audit trail records it.
public struct AuditEvent: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case success
        case failure
        case denied
    }

    public var action: String
    public var entityType: String
    public var entityID: String
    public var outcome: Outcome
    /// A short Chinese summary plus digests of the record before and after. Never personal data.
    public var detail: String

    public init(action: String, entityType: String, entityID: String = "", outcome: Outcome = .success, detail: String = "") {
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.outcome = outcome
        self.detail = detail
    }

    /// `detail` for a step of a case file: the record's number and the step's date, and the SHA-256 of
    /// the text the record's own timeline keeps. Free text (which may name people) stays in the
    /// access-controlled record; the audit trail carries identifiers and a digest by which an
    /// inspector confirms the timeline text is the one written (docs/security.md, "Audit trail").
    public static func stepDetail(_ record: String, on date: String, text: String) -> String {
        "\(record)（\(date)）；text=\(Data(SHA256.hash(data: Data(text.utf8))).hexString)"
    }

    /// `detail` for a change: a summary and SHA-256 digests of the record's state before and after.
    public static func changeDetail(_ summary: String, before: String?, after: String?) -> String {
        func digest(_ text: String?) -> String {
            guard let text else { return "-" }
            return Data(SHA256.hash(data: Data(text.utf8))).hexString
        }
        return "\(summary)；before=\(digest(before))；after=\(digest(after))"
    }
}

/// One stored row of the audit trail.
public struct AuditRow: Sendable, Equatable, Codable {
    public var seq: Int64
    public var occurredAt: String
    public var actorID: String
    public var actorName: String
    public var unitID: String
    public var ip: String
    public var action: String
    public var entityType: String
    public var entityID: String
    public var outcome: String
    public var detail: String
    public var prevHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case seq
        case occurredAt = "occurred_at"
        case actorID = "actor_id"
        case actorName = "actor_name"
        case unitID = "unit_id"
        case ip
        case action
        case entityType = "entity_type"
        case entityID = "entity_id"
        case outcome
        case detail
        case prevHash = "prev_hash"
        case hash
    }

    public init(seq: Int64, occurredAt: String, actorID: String, actorName: String, unitID: String, ip: String, action: String,
                entityType: String, entityID: String, outcome: String, detail: String, prevHash: String, hash: String) {
        self.seq = seq
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.actorName = actorName
        self.unitID = unitID
        self.ip = ip
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.outcome = outcome
        self.detail = detail
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The columns of an audit row, in the order `AuditRow` decodes them.
    public static let selectColumns = "seq, occurred_at, actor_id, actor_name, unit_id, ip, action, entity_type, entity_id, outcome, detail, prev_hash, hash"

    /// Every field but the hashes, each as `byte length:value`, so no two rows share an encoding.
    public var canonical: String {
        [String(seq), occurredAt, actorID, actorName, unitID, ip, action, entityType, entityID, outcome, detail]
            .map { "\($0.utf8.count):\($0)" }
            .joined()
    }

    public func computedHash() -> String {
        AuditLog.chainHash(previous: prevHash, canonical: canonical)
    }

    /// The plain SHA-256 chain of installations from before the chain was keyed (`fazhi audit rekey`).
    public func legacyHash() -> String {
        Data(SHA256.hash(data: Data((prevHash + canonical).utf8))).hexString
    }
}

/// The append-only, hash-chained audit trail (docs/security.md, "Audit trail"):
/// hash = HMAC-SHA256(key, previous hash ‖ canonical row), the key derived from the installation's
/// data key, which lives outside the database: whoever can write the table cannot recompute the
/// chain. Nothing in the platform updates or deletes a row, and triggers refuse it (`AuditAppendOnly`).
public enum AuditLog {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The chain key of this process, set by `configure(dataKey:)` when the app is configured.
    private static let chainKey = NIOLockedValueBox<SymmetricKey?>(nil)

    /// Derives the chain key from the data key (HKDF with its own label, so it is no other key).
    public static func configure(dataKey: Data) {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: dataKey), info: Data("fazhi audit chain v1".utf8), outputByteCount: 32)
        chainKey.withLockedValue { $0 = key }
    }

    static var key: SymmetricKey {
        guard let key = chainKey.withLockedValue({ $0 }) else { fatalError("AuditLog used before configure(dataKey:)") }
        return key
    }

    static func chainHash(previous: String, canonical: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data((previous + canonical).utf8), using: key)).hexString
    }

    static let timestampFormat: Date.ISO8601FormatStyle = .iso8601
        .year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)

    /// Appends one row. Call it inside the write transaction of the change it records, so the
    /// change and its row land together; outside one, it opens its own.
    @discardableResult
    public static func append(_ event: AuditEvent, by actor: AuditActor, at date: Date, on database: any Database) async throws -> AuditRow {
        try await append([AuditEntry(event, by: actor, at: date)], on: database)[0]
    }

    /// Appends rows in the order given, as one stretch of the chain: the batch form of
    /// `append(_:by:at:on:)` for a ledger import's thousands of steps. The chain's end is read once
    /// and the rows are inserted a few hundred to a statement; the hashes are the ones single
    /// appends would have given.
    @discardableResult
    public static func append(_ entries: [AuditEntry], on database: any Database) async throws -> [AuditRow] {
        if entries.isEmpty { return [] }
        return try await database.write { db in
            let sql = db.sql
            // The transaction's own record of the lock and the chain's end: a transaction that
            // appends many times (a module's demo records, an import's batches) reads them once.
            let state = (db as? InTransaction)?.state
            if DatabaseFlavor(db) == .postgres, state?.holdsWriterLock != true {
                // Serialises appenders so two rows never claim the same predecessor. The lock is
                // keyed by the schema: counties in their own schemas of one database each have
                // their own chain, and must not queue behind each other's appends.
                try await sql.raw(SQLQueryString(WriterLock.sql)).run()
            }
            var previousSeq: Int64, previousHash: String
            if let head = state?.auditHead {
                (previousSeq, previousHash) = head
            } else {
                let last = try await sql.raw("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1").first()
                previousSeq = try last?.decode(column: "seq", as: Int64.self) ?? 0
                previousHash = try last?.decode(column: "hash", as: String.self) ?? genesisHash
            }
            // Forgotten while the rows go in: if an insert fails part-way, the next append reads
            // the end from the table again.
            state?.auditHead = nil
            var rows: [AuditRow] = []
            rows.reserveCapacity(entries.count)
            for entry in entries {
                var row = AuditRow(
                    seq: previousSeq + 1,
                    occurredAt: entry.date.formatted(timestampFormat),
                    actorID: entry.actor.id, actorName: entry.actor.name, unitID: entry.actor.unitID, ip: entry.actor.ip,
                    action: entry.event.action, entityType: entry.event.entityType, entityID: entry.event.entityID,
                    outcome: entry.event.outcome.rawValue, detail: entry.event.detail,
                    prevHash: previousHash, hash: "")
                row.hash = row.computedHash()
                previousSeq = row.seq
                previousHash = row.hash
                rows.append(row)
            }
            // 14 binds a row: 400 rows stay under SQLite's and PostgreSQL's bind limits.
            for start in stride(from: 0, to: rows.count, by: 400) {
                var insert = sql.insert(into: "audit_entries")
                    .columns("id", "seq", "occurred_at", "actor_id", "actor_name", "unit_id", "ip", "action",
                             "entity_type", "entity_id", "outcome", "detail", "prev_hash", "hash")
                for row in rows[start..<min(start + 400, rows.count)] {
                    insert = insert.values(SQLBind(UUID.v4()), SQLBind(row.seq), SQLBind(row.occurredAt), SQLBind(row.actorID),
                                           SQLBind(row.actorName), SQLBind(row.unitID), SQLBind(row.ip), SQLBind(row.action),
                                           SQLBind(row.entityType), SQLBind(row.entityID), SQLBind(row.outcome),
                                           SQLBind(row.detail), SQLBind(row.prevHash), SQLBind(row.hash))
                }
                try await insert.run()
            }
            state?.auditHead = (previousSeq, previousHash)
            return rows
        }
    }

    public enum Verification: Sendable, Equatable {
        case intact(rows: Int64)
        case broken(seq: Int64, reason: String)
    }

    /// The action of the row `rekey` appends.
    public static let rekeyAction = "audit.rekey"

    /// The last row of a plain SHA-256 chain that `fazhi audit rekey` verified and sealed: its
    /// marker row is keyed (an attacker without the key cannot write one), names that row in
    /// `entity_id`, and chains on from it, so rewriting any older row breaks the chain at the
    /// first keyed row after it. 0 when there is no such marker.
    static func legacyThrough(on database: any Database) async throws -> Int64 {
        guard let marker = try await database.sql.raw("""
            SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries WHERE action = \(bind: rekeyAction) ORDER BY seq LIMIT 1
            """).first(decoding: AuditRow.self),
            marker.computedHash() == marker.hash, let through = Int64(marker.entityID), through < marker.seq else { return 0 }
        return through
    }

    public enum RekeyOutcome: Sendable, Equatable {
        /// The plain chain of rows 1…`through` was intact; the marker row `marker` now seals it.
        case sealed(through: Int64, marker: Int64)
        case alreadyKeyed(rows: Int64)
        case refused(String)
    }

    /// `fazhi audit rekey`: an installation whose rows predate the keyed chain (plain SHA-256)
    /// gets its old rows verified under that scheme and sealed by a keyed marker row; from then
    /// `verify` checks the old rows as plain SHA-256 and every later row as keyed. Nothing is
    /// rewritten (the table is append-only). A broken old chain is refused, not sealed.
    public static func rekey(by actor: AuditActor, at date: Date, on database: any Database) async throws -> RekeyOutcome {
        switch try await verify(on: database) {
        case .intact(let rows): return .alreadyKeyed(rows: rows)
        case .broken: break
        }
        // Walk the rows: a plain prefix, then (rows appended after an upgrade) keyed ones.
        var expectedSeq: Int64 = 1
        var previousHash = genesisHash
        var legacyEnd: Int64 = 0
        while true {
            let rows = try await database.sql.raw("""
                SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries WHERE seq >= \(bind: expectedSeq) ORDER BY seq LIMIT 2000
                """).all(decoding: AuditRow.self)
            if rows.isEmpty { break }
            for row in rows {
                guard row.seq == expectedSeq, row.prevHash == previousHash else {
                    return .refused("第\(expectedSeq)条记录缺失或前序哈希不符：旧链已断开，不能转换")
                }
                if legacyEnd == row.seq - 1 && row.legacyHash() == row.hash {
                    legacyEnd = row.seq
                } else if row.computedHash() != row.hash {
                    return .refused("第\(row.seq)条记录的内容与其哈希不符（记录被修改）：旧链已断开，不能转换")
                }
                previousHash = row.hash
                expectedSeq += 1
            }
        }
        guard legacyEnd > 0 else { return .refused("没有可转换的旧链记录") }
        let marker = try await append(AuditEvent(action: rekeyAction, entityType: "audit_chain", entityID: String(legacyEnd),
                                                 detail: "第1至\(legacyEnd)条记录按旧算法（SHA-256）核验无误，以本条起的密钥哈希链封存"),
                                      by: actor, at: date, on: database)
        return .sealed(through: legacyEnd, marker: marker.seq)
    }

    /// Walks the chain in order and names the first row that does not fit.
    public static func verify(on database: any Database, batchSize: Int = 2000,
                              progress: (@Sendable (Int64) -> Void)? = nil) async throws -> Verification {
        var expectedSeq: Int64 = 1
        var previousHash = genesisHash
        let legacy = try await legacyThrough(on: database)
        while true {
            let rows = try await database.sql.raw("""
                SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries WHERE seq >= \(bind: expectedSeq) \
                ORDER BY seq LIMIT \(unsafeRaw: String(batchSize))
                """).all(decoding: AuditRow.self)
            if rows.isEmpty { break }
            for row in rows {
                if row.seq != expectedSeq {
                    return .broken(seq: expectedSeq, reason: "第\(expectedSeq)条记录缺失（下一条为第\(row.seq)条）")
                }
                if row.prevHash != previousHash {
                    return .broken(seq: row.seq, reason: "第\(row.seq)条记录的前序哈希与第\(row.seq - 1)条记录不符")
                }
                if (row.seq <= legacy ? row.legacyHash() : row.computedHash()) != row.hash {
                    if legacy == 0 && row.seq == 1 && row.legacyHash() == row.hash {
                        return .broken(seq: 1, reason: "审计记录早于密钥哈希链（旧算法SHA-256）：请先运行 fazhi audit rekey 核验并封存旧链")
                    }
                    return .broken(seq: row.seq, reason: "第\(row.seq)条记录的内容与其哈希不符（记录被修改）")
                }
                previousHash = row.hash
                expectedSeq += 1
            }
            progress?(expectedSeq - 1)
        }
        return .intact(rows: expectedSeq - 1)
    }
}

/// A published head of the chain: its sequence number and hash, signed with the chain key, so an
/// inspector holding a printed anchor can prove that no row up to it was changed or cut since.
public struct AuditAnchor: Sendable, Equatable, CustomStringConvertible {
    public var seq: Int64
    public var hash: String
    public var at: String
    public var signature: String

    static let prefix = "FAZHI-AUDIT-ANCHOR"

    static func sign(seq: Int64, hash: String, at: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data("\(prefix)|\(seq)|\(hash)|\(at)".utf8), using: AuditLog.key)).hexString
    }

    public var description: String { "\(Self.prefix) seq=\(seq) hash=\(hash) at=\(at) sig=\(signature)" }

    /// Reads a printed anchor back; nil when it is not one.
    public init?(_ text: String) {
        var fields: [String: String] = [:]
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.first == Substring(Self.prefix) else { return nil }
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let seqText = fields["seq"], let seq = Int64(seqText), let hash = fields["hash"], let at = fields["at"], let signature = fields["sig"] else { return nil }
        self.init(seq: seq, hash: hash, at: at, signature: signature)
    }

    public init(seq: Int64, hash: String, at: String, signature: String) {
        self.seq = seq
        self.hash = hash
        self.at = at
        self.signature = signature
    }

    /// The signature was made with this installation's chain key.
    public var signed: Bool { signature == Self.sign(seq: seq, hash: hash, at: at) }
}

extension AuditLog {
    /// The current head, signed. Recorded in `audit_anchors` for the public site.
    public static func anchor(at date: Date, on database: any Database) async throws -> AuditAnchor? {
        guard let head = try await database.sql.raw("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1").first() else { return nil }
        let seq = try head.decode(column: "seq", as: Int64.self)
        let hash = try head.decode(column: "hash", as: String.self)
        let at = date.formatted(timestampFormat)
        let anchor = AuditAnchor(seq: seq, hash: hash, at: at, signature: AuditAnchor.sign(seq: seq, hash: hash, at: at))
        try await database.sql.insert(into: "audit_anchors").columns("id", "seq", "hash", "anchored_at", "signature")
            .values(SQLBind(UUID()), SQLBind(seq), SQLBind(hash), SQLBind(at), SQLBind(anchor.signature)).run()
        return anchor
    }

    /// The anchors published so far, newest first.
    public static func anchors(limit: Int = 20, on database: any Database) async throws -> [AuditAnchor] {
        try await database.sql.raw("SELECT seq, hash, anchored_at, signature FROM audit_anchors ORDER BY seq DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 200))))").all().map {
            AuditAnchor(seq: try $0.decode(column: "seq", as: Int64.self), hash: try $0.decode(column: "hash", as: String.self),
                        at: try $0.decode(column: "anchored_at", as: String.self), signature: try $0.decode(column: "signature", as: String.self))
        }
    }

    /// Checks a printed anchor against the chain: signed by this installation, and the row it names
    /// still has the hash it printed (the chain itself is checked by `verify`).
    public static func check(_ anchor: AuditAnchor, on database: any Database) async throws -> Verification {
        guard anchor.signed else { return .broken(seq: anchor.seq, reason: "锚点的签名不符：不是本安装签发的锚点，或锚点被改动") }
        guard let row = try await database.sql.raw("SELECT hash FROM audit_entries WHERE seq = \(bind: anchor.seq)").first() else {
            return .broken(seq: anchor.seq, reason: "锚点所指的第\(anchor.seq)条记录已不存在（审计日志被截断）")
        }
        guard try row.decode(column: "hash", as: String.self) == anchor.hash else {
            return .broken(seq: anchor.seq, reason: "第\(anchor.seq)条记录的哈希与锚点不符（锚点之前的记录被重写）")
        }
        return .intact(rows: anchor.seq)
    }
}

/// One row to append: what happened, who did it, and when (`AuditLog.append(_:on:)`).
public struct AuditEntry: Sendable {
    public var event: AuditEvent
    public var actor: AuditActor
    public var date: Date

    public init(_ event: AuditEvent, by actor: AuditActor, at date: Date) {
        self.event = event
        self.actor = actor
        self.date = date
    }

    /// The entries a ledger import's replay of one record produced, as one row: `summary` on the
    /// first line, then each entry on its own line (`foldedLine`), in order, nothing left out.
    /// A file of 20,000 cases would otherwise append some 300,000 rows stamped with the same
    /// minute, each repeating a timeline line the case keeps anyway (docs/decisions.md, "One audit
    /// row per imported case").
    public static func folded(_ entries: [AuditEntry], into event: AuditEvent, by actor: AuditActor, at date: Date) -> AuditEntry {
        var detail = event.detail
        for entry in entries {
            detail += "\n" + foldedLine(action: entry.event.action, entityType: entry.event.entityType, entityID: entry.event.entityID,
                                        actorName: entry.actor.name, outcome: entry.event.outcome.rawValue, detail: entry.event.detail)
        }
        var folded = event
        folded.detail = detail
        return AuditEntry(folded, by: actor, at: date)
    }

    /// One folded entry: what its own row would have said, but for the time and the chain.
    public static func foldedLine(action: String, entityType: String, entityID: String, actorName: String, outcome: String, detail: String) -> String {
        "\(action)｜\(entityType):\(entityID)｜\(actorName)｜\(outcome)｜\(detail)"
    }
}
