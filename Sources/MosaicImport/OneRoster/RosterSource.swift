import Foundation
import ZIPFoundation

/// Where a roster's files come from: a folder, or a `.zip` of one (the files may sit in
/// a folder inside the archive). Files are streamed in chunks either way. Two files of a
/// folder may be read at once (each opens its own handle); a `.zip` has one read
/// position, so a second thread reads from a ``reopened()`` copy.
enum RosterSource: @unchecked Sendable {
    case folder(URL)
    case zip(Archive, [String: Entry])

    /// The most a `.zip` may hold, uncompressed (8 GiB: a roster of millions of students
    /// is a few GB), and the most a file in it may expand, for files over 1 MiB (200
    /// times: CSV compresses some 5 to 20 times; a 2 MB file that says it holds 2 GB
    /// is a zip bomb).
    static let maxUncompressed: UInt64 = 8 << 30, maxRatio: UInt64 = 200

    /// Opens a folder or a `.zip`.
    /// - Throws: when the `.zip` says it holds more than ``maxUncompressed`` or a file in
    ///   it expands more than ``maxRatio`` times: refused before anything is inflated.
    init(path: String, maxUncompressed: UInt64 = RosterSource.maxUncompressed, maxRatio: UInt64 = RosterSource.maxRatio) throws(ImportError) {
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
        var total: UInt64 = 0
        for entry in archive where entry.type == .file {
            let name = (entry.path as NSString).lastPathComponent
            total += entry.uncompressedSize
            if entry.uncompressedSize > 1 << 20, entry.uncompressedSize > maxRatio * max(1, entry.compressedSize) {
                throw ImportError(path, 0, "\(entry.path) would expand from \(Self.size(entry.compressedSize)) to \(Self.size(entry.uncompressedSize)), more than \(maxRatio) times: not a roster (a zip bomb?); nothing was read")
            }
            if entries[name] == nil { entries[name] = entry }
        }
        guard total <= maxUncompressed else {
            throw ImportError(path, 0, "the .zip would expand to \(Self.size(total)), more than the \(Self.size(maxUncompressed)) a roster may be; nothing was read")
        }
        self = .zip(archive, entries)
    }

    static func size(_ bytes: UInt64) -> String {
        bytes >= 1 << 30 ? "\(bytes >> 30) GB" : bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
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
            // Never more than the entry says it holds: a header that lies about the size
            // does not get past the limits above.
            var inflated: UInt64 = 0
            _ = try archive.extract(entry, bufferSize: chunkSize, skipCRC32: false) { data in
                inflated += UInt64(data.count)
                if inflated > entry.uncompressedSize { throw Oversized(file: entry.path, declared: entry.uncompressedSize) }
                try data.withUnsafeBytes(body)
            }
        }
    }
}

/// A `.zip` entry that inflated to more than its header declared.
struct Oversized: Error, CustomStringConvertible {
    let file: String
    let declared: UInt64
    var description: String { "\(file) holds more than the \(RosterSource.size(declared)) its .zip header declares (a damaged or forged .zip)" }
}
