import Foundation
import Testing

/// Rules of the layout (docs/architecture.md) that the compiler does not check, read from the sources.
@Suite struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sources(_ target: String) throws -> [(name: String, text: String)] {
        let directory = root.appendingPathComponent("Sources").appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { ($0, try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// `final class Name: Model` declarations of a target.
    static func models(of target: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"final class (\w+): Model\b"#)
        return try sources(target).flatMap { file in
            pattern.matches(in: file.text, range: NSRange(file.text.startIndex..., in: file.text)).compactMap { match in
                Range(match.range(at: 1), in: file.text).map { String(file.text[$0]) }
            }
        }
    }

    @Test("supervision reads enforcement only through EnforcementRecords, never its Fluent models")
    func supervisionUsesTheReadAPI() throws {
        let models = try Self.models(of: "Enforcement")
        #expect(models.contains("PenaltyCase") && models.contains("OfficerCertificate"))
        for file in try Self.sources("EnforcementSupervision") {
            for model in models {
                let uses = file.text.range(of: #"\b\#(model)\b"#, options: .regularExpression) != nil
                #expect(!uses, "\(file.name) uses Enforcement's model \(model)")
            }
        }
    }

    @Test("comments and messages cite documents in this repository, never the steering repository's files")
    func citationsStayInTheRepository() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
        for target in targets {
            for file in (try? Self.sources(target)) ?? [] {
                for outside in ["statutes.md", "glossary.md", "product.md", "../shared"] {
                    #expect(!file.text.contains(outside), "\(target)/\(file.name) cites \(outside)")
                }
            }
        }
    }

    @Test("figures are computed by the database: no metric's compute closure loads rows, sums or filters in Swift")
    func figuresInSQL() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
        var figures = 0
        for target in targets {
            for file in (try? Self.sources(target)) ?? [] {
                var rest = Substring(file.text)
                while let start = rest.range(of: "compute: {") {
                    let tail = rest[start.upperBound...]
                    guard let end = tail.range(of: "records:") else { break }
                    let body = tail[..<end.lowerBound]
                    figures += 1
                    for loads in [".all()", ".all(\\", ".reduce(", ".filter {", "for "] {
                        #expect(!body.contains(loads), "\(target)/\(file.name): a compute closure uses \(loads)")
                    }
                    rest = tail[end.upperBound...]
                }
            }
        }
        #expect(figures >= 30)
    }

    @Test("lists apply the unit scope through UnitScoped.scoped, never by hand")
    func scopeByHelper() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
        var sites = 0
        for target in targets {
            for file in (try? Self.sources(target)) ?? [] {
                sites += file.text.components(separatedBy: ".scoped(for:").count - 1
                // The helper itself, and the account list's join on the unit table, are the only hand-written filters.
                guard file.name != "ModuleKit.swift", file.name != "AccountService.swift" else { continue }
                #expect(!file.text.contains("scopePrefix {"), "\(target)/\(file.name) filters by unit path by hand")
            }
        }
        #expect(sites >= 20)
    }
}
