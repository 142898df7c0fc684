import FazhiCalendar
import FazhiCore
import Foundation
import Vapor

/// `fazhi calendar is-workday|due|import|export`.
struct CalendarCommand: AsyncCommandGroup {
    var help: String { "工作日历与期限计算（is-workday、due、import、export）" }

    var commands: [String: any AnyAsyncCommand] {
        ["is-workday": IsWorkday(), "due": Due(), "import": Import(), "export": Export()]
    }

    /// The stored calendar; before the database is set up, the one bundled with the release.
    static func calendar(_ app: Application) async -> WorkCalendar {
        do {
            return try await CalendarService.current(services: app.fazhi, on: app.db)
        } catch {
            FileHandle.standardError.write(Data("注意：数据库未初始化（先运行 fazhi migrate），使用随程序发布的日历。\n".utf8))
            return (try? WorkCalendar.bundled()) ?? WorkCalendar(years: [])
        }
    }

    /// `fazhi calendar is-workday 2025-09-28` prints `true` or `false`.
    struct IsWorkday: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "date", help: "日期 YYYY-MM-DD")
            var date: String
        }

        var help: String { "某日是否为工作日（打印 true 或 false）" }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let date = CivilDate(signature.date) else { throw CommandFailure("日期“\(signature.date)”无效，应为 YYYY-MM-DD") }
            let calendar = await CalendarCommand.calendar(context.application)
            context.console.print(calendar.isWorkday(date) ? "true" : "false")
            if !calendar.covers(date) {
                FileHandle.standardError.write(Data("注意：\(date.year)年节假日安排未录入，按周一至周五推算。\n".utf8))
            }
        }
    }

    /// `fazhi calendar due --start 2025-09-26 --rule workdays:20 [--suspend A..B[,C..D]] [--extend workdays:20[,…]] [--explain] [--json]`
    struct Due: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "start", help: "起算日 YYYY-MM-DD（按小时计算时可写 YYYY-MM-DDTHH:MM）")
            var start: String?
            @Option(name: "rule", help: "期限规则：days:N、workdays:N、months:N、hours:N")
            var rule: String?
            @Option(name: "suspend", help: "不计入期限的日期段 A..B（含两端），多段用逗号分隔")
            var suspend: String?
            @Option(name: "extend", help: "延长的期限，如 workdays:20；多次用逗号分隔")
            var extend: String?
            @Option(name: "basis", help: "期限依据（条文），写入说明")
            var basis: String?
            @Option(name: "as-of", help: "按此日判断状态（默认今天）")
            var asOf: String?
            @Flag(name: "explain", help: "逐步说明计算过程")
            var explain: Bool
            @Flag(name: "json", help: "输出JSON")
            var json: Bool
        }

        var help: String { "计算期限届满日（第一行打印 YYYY-MM-DD）" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let calendar = await CalendarCommand.calendar(app)
            let output = try DueCalculation.run(start: signature.start, rule: signature.rule, suspend: signature.suspend, extend: signature.extend,
                                                basis: signature.basis, asOf: signature.asOf, explain: signature.explain, json: signature.json,
                                                calendar: calendar, now: CivilDateTime(app.fazhi.now), warnWithin: app.fazhi.config.deadlineWarnWorkdays)
            context.console.print(output)
        }
    }

    /// `fazhi calendar import FILE`: adds or replaces the file's years as a new version.
    struct Import: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "file", help: "fazhi-calendar/1 格式的 JSON 文件")
            var file: String
        }

        var help: String { "导入年度日历（新增或更正年度，生成新版本并重算未办结期限）" }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandFailure("无法读取文件 \(signature.file)") }
            let file: CalendarFile
            do { file = try CalendarFile.parse(data) } catch { throw CommandFailure(error.description) }
            let app = context.application
            do {
                let result = try await CalendarService.install(file, by: .system(), services: app.fazhi, on: app.db)
                context.console.print("已生成工作日历第\(result.version)版：\(result.summary)")
                context.console.print("届满日变动的未办结期限：\(result.moved.count)项")
                for moved in result.moved { context.console.print("  \(moved.title)：\(moved.old ?? "—") → \(moved.new ?? "—")") }
            } catch let failure as ValidationFailure {
                throw CommandFailure(failure.errors.map(\.text).joined(separator: "\n"))
            }
        }
    }

    /// `fazhi calendar export`: the current calendar as JSON (also a template for the next year).
    struct Export: AsyncCommand {
        struct Signature: CommandSignature {}

        var help: String { "导出现行日历（JSON）" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let calendar = await CalendarCommand.calendar(context.application)
            context.console.print(String(decoding: calendar.file.encoded(), as: UTF8.self))
        }
    }
}

/// What `fazhi calendar due` computes and prints, apart from the console: the first line is the
/// due date (`YYYY-MM-DD`, or `YYYY-MM-DD HH:MM` for an hours rule), then the explanation if asked;
/// or one JSON document.
public enum DueCalculation {
    public static func run(start startText: String?, rule ruleText: String?, suspend: String?, extend: String?, basis: String?,
                           asOf asOfText: String?, explain: Bool, json: Bool, calendar: WorkCalendar, now: CivilDateTime,
                           warnWithin: Int) throws -> String {
        guard let startText, let start = CivilDateTime(startText) else {
            throw CommandFailure("--start：请给出有效的起算日（YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）")
        }
        let period: Period
        do { period = try Period.parse(ruleText ?? "") } catch { throw CommandFailure("--rule：\(error.message)") }
        var events: [ClockEvent] = []
        var lastDate = start.date
        for part in (suspend ?? "").split(separator: ",") {
            let ends = part.components(separatedBy: "..")
            guard ends.count == 2, let from = CivilDate(ends[0].trimmingCharacters(in: .whitespaces)),
                  let through = CivilDate(ends[1].trimmingCharacters(in: .whitespaces)), from <= through, from >= lastDate else {
                throw CommandFailure("--suspend：“\(part)”应为 YYYY-MM-DD..YYYY-MM-DD，开始不晚于结束、不早于起算日，多段按时间先后排列且不重叠")
            }
            events.append(.suspend(from, reason: "命令行 --suspend 指定"))
            events.append(.resume(through.adding(days: 1)))
            lastDate = through.adding(days: 1)
        }
        var extensions: [Period] = []
        for part in (extend ?? "").split(separator: ",") {
            do { extensions.append(try Period.parse(String(part))) } catch { throw CommandFailure("--extend：\(error.message)") }
        }
        for extensionPeriod in extensions {
            events.append(.extend(lastDate, by: extensionPeriod, approver: "命令行", reason: "命令行 --extend"))
        }
        let limit = extensions.first.map { ExtensionLimit(maxCount: extensions.count, maxPeriod: Period($0.unit, extensions.reduce(0) { $0 + $1.count }), basis: "命令行") }
        let rule = ClockRule(title: "期限计算", period: period, basis: basis ?? "未指定条文", extensionLimit: limit)
        let clock = Clock(rule: rule, start: start, startReason: "", events: events)
        let problems = clock.problems()
        guard problems.isEmpty else { throw CommandFailure(problems.joined(separator: "\n")) }
        var asOf = now
        if let asOfText {
            guard let parsed = CivilDateTime(asOfText) else { throw CommandFailure("--as-of：“\(asOfText)”不是有效日期") }
            asOf = parsed
        }
        let result = clock.evaluate(calendar: calendar, asOf: asOf, warnWithin: warnWithin)
        let dueText = result.dueAt.map(\.description) ?? result.due?.description ?? ""
        if json {
            struct Output: Encodable {
                var due: String
                var rule: String
                var start: String
                var state: String
                var calendarVersion: Int
                var steps: [ExplanationStep]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let output = Output(due: dueText, rule: period.description, start: startText, state: result.state.rawValue,
                                calendarVersion: calendar.version, steps: result.steps)
            return String(decoding: try encoder.encode(output), as: UTF8.self)
        }
        return explain ? dueText + "\n" + result.explain() : dueText
    }
}
