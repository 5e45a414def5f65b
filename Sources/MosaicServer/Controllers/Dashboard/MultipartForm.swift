import Foundation
import Hummingbird
import MultipartKit

/// A browser's file form (multipart/form-data, RFC 7578), read as it streams in through
/// MultipartKit's parser: the file part written to disk (or kept, when small), the other
/// parts (short text fields) by name. Never more than `limit` bytes.
enum MultipartForm {
    struct Refusal: Error { let message: String }

    /// The boundary of a multipart/form-data request, or nil when it is not one.
    static func boundary(_ request: Request) -> String? {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        return contentType.split(separator: ";").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.lowercased().hasPrefix("boundary=") }
            .map { String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }

    /// Reads the form: the part named `file` to `url` (or into the returned buffer when
    /// `url` is nil), every other part as text (at most 4 KB each).
    static func receive(_ request: Request, file: String, to url: URL? = nil, limit: Int) async throws -> (fields: [String: String], file: ByteBuffer?) {
        guard let boundary = boundary(request) else { throw Refusal(message: "send the file from the form (multipart/form-data)") }
        var handle: FileHandle?
        if let url {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            handle = try FileHandle(forWritingTo: url)
        }
        defer { try? handle?.close() }
        let parser = MultipartParser(boundary: boundary)
        var name: String?
        var text = ByteBuffer(), kept = ByteBuffer()
        var fields: [String: String] = [:]
        var sawFile = false
        var writeError: (any Error)?
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            // form-data; name="file"; filename="applications.csv"
            for piece in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where piece.hasPrefix("name=") {
                name = String(piece.dropFirst("name=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        parser.onBody = { chunk in
            if name == file {
                sawFile = true
                if let handle {
                    do { try handle.write(contentsOf: chunk.readableBytesView) } catch { writeError = error }
                } else {
                    kept.writeBuffer(&chunk)
                }
            } else if text.readableBytes < 4_096 {
                text.writeBuffer(&chunk)
            }
        }
        parser.onPartComplete = {
            if let n = name, n != file { fields[n] = String(buffer: text) }
            name = nil
            text = ByteBuffer()
        }
        var received = 0
        do {
            for try await chunk in request.body {
                received += chunk.readableBytes
                guard received <= limit else { throw Refusal(message: "file: larger than \(limit >> 20) MB") }
                try parser.execute(chunk)
                if let writeError { throw writeError }
            }
        } catch let r as Refusal {
            throw r
        } catch {
            throw Refusal(message: "the upload could not be read: \(error)")
        }
        return (fields, url == nil && sawFile ? kept : nil)
    }
}
