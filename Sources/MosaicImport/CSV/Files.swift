import Foundation

/// Reads a UTF-8 text file.
func readTextFile(_ path: String) throws -> String {
    guard FileManager.default.fileExists(atPath: path) else {
        throw FileProblem("no such file")
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let text = String(data: data, encoding: .utf8) else { throw FileProblem("is not UTF-8 text") }
    return text
}

struct FileProblem: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Writes text to a file atomically: a failed write leaves no partial file behind.
public func writeTextFile(_ text: String, to path: String) throws(ImportError) {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw ImportError(path, 0, "cannot be written: \(error.localizedDescription)")
    }
}

import MosaicCore

extension Guidebook {
    /// Reads the guidebook's root causes and actions (`actions.json`).
    public init(contentsOf path: String) throws(ImportError) {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            self = try JSONDecoder().decode(Guidebook.self, from: data)
        } catch {
            throw ImportError(path, 0, "cannot be read as the guidebook's actions: \(error)")
        }
    }
}
