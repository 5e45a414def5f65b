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
    /// The guidebook shipped with Mosaic (a copy of `../shared/data/actions.json`, bundled
    /// as a resource so that no command depends on the folder it is run from).
    public static func bundled() throws(ImportError) -> Guidebook {
        guard let url = Bundle.module.url(forResource: "actions", withExtension: "json", subdirectory: "Resources") else {
            throw ImportError("actions.json", 0, "the bundled guidebook is missing from this build of Mosaic")
        }
        return try Guidebook(contentsOf: url.path)
    }

    /// The guidebook at `path`, or the bundled one when no path is given.
    public static func load(_ path: String?) throws(ImportError) -> Guidebook {
        if let path { return try Guidebook(contentsOf: path) }
        return try bundled()
    }

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
