import Foundation
import Synchronization

/// A page printed to PDF by headless Chromium (`--print-to-pdf`), from a self-contained
/// HTML file (inline styles and SVG: nothing fetched). At most `limit` prints at once;
/// each is stopped after `timeout` seconds. Chromium is an optional part of a deployment:
/// without it the PDF route says so (503) and the printable page remains.
struct PDFPrinter: Sendable {
    struct Unavailable: Error, CustomStringConvertible { let description: String }

    static let limit = 2
    static let timeout: TimeInterval = 60
    private static let running = Mutex(0)

    /// The Chromium binary: `MOSAIC_CHROMIUM`, else the first of the usual names found.
    static var chromium: String? {
        let candidates = [ProcessInfo.processInfo.environment["MOSAIC_CHROMIUM"]].compactMap { $0 }
            + ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func print(_ html: String) async throws -> Data {
        guard let chromium else { throw Unavailable(description: "PDFs need Chromium on the server (apt-get install chromium); the printable page is there to print from the browser") }
        guard running.withLock({ n in n < limit ? { n += 1; return true }() : false }) else {
            throw Unavailable(description: "the server is printing other PDFs; try again in a moment")
        }
        defer { running.withLock { $0 -= 1 } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("page.html"), pdf = folder.appendingPathComponent("page.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer",
                             "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--print-to-pdf=\(pdf.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                done.resume(throwing: error)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
        }
        guard let data = try? Data(contentsOf: pdf), data.starts(with: Array("%PDF".utf8)) else {
            throw Unavailable(description: "Chromium did not print the page (exit \(process.terminationStatus))")
        }
        return data
    }
}
