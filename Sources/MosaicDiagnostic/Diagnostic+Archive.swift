import Foundation
import MosaicCore

extension Diagnostic {
    /// The form kept in the store: the diagnostic with each finding's guidebook actions
    /// replaced by positions in one table of the distinct actions (a finding repeats the
    /// same five actions' texts otherwise: most of a public-data district's bytes).
    struct Archive: Codable {
        var format = 2
        var actions: [Guidebook.Action]
        var findingActions: [[Int]]
        var diagnostic: Diagnostic
    }

    /// The whole diagnostic as JSON, for the store to keep (not the contract's output,
    /// which ``MosaicReport`` writes for a viewer's role). Lossless: indices that are
    /// not numbers (an empty school) are kept as `"nan"` / `"inf"`; the actions are
    /// kept once each (``Archive``).
    public func archived() throws -> String {
        var table: [Guidebook.Action] = [], position: [String: Int] = [:]
        var lean = self
        let findingActions = findings.map { f in
            f.actions.map { a -> Int in
                if let p = position[a.id], table[p] == a { return p }
                table.append(a)
                position[a.id] = table.count - 1
                return table.count - 1
            }
        }
        for i in lean.findings.indices { lean.findings[i].actions = [] }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(Archive(actions: table, findingActions: findingActions, diagnostic: lean)), as: UTF8.self)
    }

    /// A diagnostic kept by ``archived()`` (or by the form before it, the diagnostic's
    /// own JSON, which stores written earlier hold).
    public init(archived text: String) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = Data(text.utf8)
        guard text.hasPrefix("{\"actions\":") else {
            self = try decoder.decode(Diagnostic.self, from: data)
            return
        }
        let archive = try decoder.decode(Archive.self, from: data)
        var d = archive.diagnostic
        guard archive.findingActions.count == d.findings.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the archive's actions do not match its findings"))
        }
        for i in d.findings.indices {
            d.findings[i].actions = try archive.findingActions[i].map { p in
                guard archive.actions.indices.contains(p) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "action \(p) is not in the archive's table"))
                }
                return archive.actions[p]
            }
        }
        self = d
    }
}
