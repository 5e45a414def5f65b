import Foundation
import MosaicTestSupport
import Testing

/// The JSON example of a contract in ../shared/contracts, and a structural comparison:
/// every key the contract shows must be in our output with a value of the same kind, and
/// our output may not add keys the contract lacks. Keys that are group or unit names
/// (the contract writes "g", "x", "x|y") are matched by shape.
enum ContractExample {
    static func segregation() throws -> Any { try example("segregation.md") }

    static func example(_ contract: String) throws -> Any {
        let text = try String(contentsOf: TestSupport.shared.appendingPathComponent("contracts/\(contract)"), encoding: .utf8)
        let start = try #require(text.range(of: "```json\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        return try JSONSerialization.jsonObject(with: Data(text[start.upperBound..<end.lowerBound].utf8))
    }

    /// Every JSON block of a contract, in order; a fragment (`"key": {…}`) read as an object.
    static func examples(_ contract: String) throws -> [Any] {
        let text = try String(contentsOf: TestSupport.shared.appendingPathComponent("contracts/\(contract)"), encoding: .utf8)
        var out: [Any] = []
        var from = text.startIndex
        while let start = text.range(of: "```json\n", range: from..<text.endIndex),
              let end = text.range(of: "\n```", range: start.upperBound..<text.endIndex) {
            var block = String(text[start.upperBound..<end.lowerBound])
            if block.hasPrefix("\"") { block = "{" + block + "}" }
            out.append(try JSONSerialization.jsonObject(with: Data(block.utf8)))
            from = end.upperBound
        }
        return out
    }

    static let placeholderKeys: Set<String> = ["g", "x", "y", "x|y", "group"]

    /// - Parameter allowExtra: the contract lists required keys only ("add more freely").
    static func compare(_ ours: Any, _ contract: Any, path: String, allowExtra: Bool = false) -> [String] {
        switch (ours, contract) {
        case let (o as [String: Any], c as [String: Any]):
            if c.keys.allSatisfy(placeholderKeys.contains), let template = c.values.first {
                // A map keyed by group names: every entry has the template's shape.
                return o.isEmpty ? ["\(path): empty"] : o.flatMap { compare($0.value, template, path: "\(path).\($0.key)", allowExtra: allowExtra) }
            }
            var problems: [String] = []
            for (k, v) in c {
                if let mine = o[k] { problems += compare(mine, v, path: "\(path).\(k)", allowExtra: allowExtra) } else { problems.append("\(path).\(k): missing") }
            }
            if !allowExtra { for k in o.keys where c[k] == nil { problems.append("\(path).\(k): not in the contract") } }
            return problems
        case let (o as [Any], c as [Any]):
            guard let template = c.first else { return [] }
            if template is String { return o.allSatisfy { $0 is String } ? [] : ["\(path): not strings"] }
            if c.count == 2, template is NSNumber { return o.count == 2 ? [] : ["\(path): not a pair"] }
            return o.flatMap { compare($0, template, path: "\(path)[]", allowExtra: allowExtra) }
        case (is NSNumber, is NSNumber), (is String, is String):
            return []
        default:
            return ["\(path): \(type(of: ours)) where the contract has \(type(of: contract))"]
        }
    }
}

/// Text snapshots under Tests/mosaicTests/Snapshots; `MOSAIC_RECORD_SNAPSHOTS=1` re-records them.
enum Snapshot {
    static func assert(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let mismatch = try TestSupport.snapshotMismatch(text, named: name, folder: "Tests/mosaicTests/Snapshots")
        #expect(mismatch == nil, "\(mismatch ?? "")", sourceLocation: sourceLocation)
    }
}

/// Runs `body` with a fresh folder under the system's temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
