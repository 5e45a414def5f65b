import Foundation
import Logging
import Numerics

/// Helpers shared by the test targets: fixtures, approximate comparison, the built binary.
public enum TestSupport {
    /// The tests' logger, handed to libraries that take one: errors only.
    public static let logger: Logger = {
        var log = Logger(label: "mosaic.tests")
        log.logLevel = .error
        return log
    }()

    /// The repository's root folder, found from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the repository (the NYC data, the contracts).
    public static let shared: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// The folder holding the built products (`mosaic`, the test bundle).
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// A fixture file's text from a test target's `Fixtures/` folder.
    public static func fixture(_ name: String, in bundle: Bundle) throws -> String {
        guard let url = bundle.url(forResource: "Fixtures/" + name, withExtension: nil)
            ?? bundle.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(name)
        else { throw FixtureMissing(name: name) }
        return try String(contentsOf: url, encoding: .utf8)
    }

    public struct FixtureMissing: Error { public let name: String }

    /// Compares `text` with the golden file `folder/name` (relative to the repository);
    /// nil when they match, else what to say. With `MOSAIC_RECORD_SNAPSHOTS=1` the golden
    /// file is written instead.
    public static func snapshotMismatch(_ text: String, named name: String, folder: String) throws -> String? {
        let url = repositoryRoot.appendingPathComponent(folder).appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["MOSAIC_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return nil
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        return text == expected ? nil : "snapshot \(folder)/\(name) differs; re-record with MOSAIC_RECORD_SNAPSHOTS=1 and read the diff"
    }
}

extension Double {
    /// `isApproximatelyEqual` with an absolute tolerance, as the tests compare index values.
    public func isClose(to other: Double, within tolerance: Double = 1e-9) -> Bool {
        isApproximatelyEqual(to: other, absoluteTolerance: tolerance)
    }
}
