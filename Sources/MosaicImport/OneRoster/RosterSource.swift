import Foundation
import ZIPFoundation

/// Where a roster's files come from: a folder, or a `.zip` of one (the files may sit in
/// a folder inside the archive). Files are streamed in chunks either way. Two files of a
/// folder may be read at once (each opens its own handle); a `.zip` has one read
/// position, so a second thread reads from a ``reopened()`` copy.
enum RosterSource: @unchecked Sendable {
    case folder(URL)
    case zip(Archive, [String: Entry])

    /// Opens a folder or a `.zip`.
    init(path: String) throws(ImportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(path, 0, "no such folder or .zip")
        }
        if isDirectory.boolValue {
            self = .folder(URL(fileURLWithPath: path))
            return
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ImportError(path, 0, "is neither a folder nor a readable .zip (\(error))")
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            let name = (entry.path as NSString).lastPathComponent
            if entries[name] == nil { entries[name] = entry }
        }
        self = .zip(archive, entries)
    }

    /// The same roster with a read position of its own, for a second thread: a folder
    /// as it is; a `.zip` opened again.
    func reopened() throws -> RosterSource {
        switch self {
        case .folder: return self
        case .zip(let archive, _): return try RosterSource(path: archive.url.path)
        }
    }

    func has(_ file: String) -> Bool {
        switch self {
        case .folder(let url): FileManager.default.fileExists(atPath: url.appendingPathComponent(file).path)
        case .zip(_, let entries): entries[file] != nil
        }
    }

    /// A file's size in bytes (uncompressed for a `.zip` entry), 0 when unknown.
    func size(of file: String) -> Int {
        switch self {
        case .folder(let url):
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(file).path)
            return (attributes?[.size] as? NSNumber)?.intValue ?? 0
        case .zip(_, let entries): return Int(entries[file]?.uncompressedSize ?? 0)
        }
    }

    /// Streams a file's bytes in chunks of about `chunkSize`.
    func stream(_ file: String, chunkSize: Int = 1 << 22, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch self {
        case .folder(let url):
            let handle = try FileHandle(forReadingFrom: url.appendingPathComponent(file))
            defer { try? handle.close() }
            while let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
                try data.withUnsafeBytes(body)
            }
        case .zip(let archive, let entries):
            guard let entry = entries[file] else { return }
            _ = try archive.extract(entry, bufferSize: chunkSize, skipCRC32: false) { data in
                try data.withUnsafeBytes(body)
            }
        }
    }
}
