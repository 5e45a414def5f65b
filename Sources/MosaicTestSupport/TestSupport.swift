import Foundation
import Numerics

/// Helpers shared by the test targets: fixtures, approximate comparison, the built binary.
public enum TestSupport {
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
}

extension Double {
    /// `isApproximatelyEqual` with an absolute tolerance, as the tests compare index values.
    public func isClose(to other: Double, within tolerance: Double = 1e-9) -> Bool {
        isApproximatelyEqual(to: other, absoluteTolerance: tolerance)
    }
}
