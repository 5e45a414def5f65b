/// A school year as districts write it, `2017-18`: it starts in the autumn of
/// `startYear` and ends in the following summer.
public struct SchoolYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// Parses `2017-18` (or `2017-2018`); `nil` when the two years do not follow each other.
    public init?(_ text: String) {
        let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let start = Int(parts[0]), let end = Int(parts[1]) else { return nil }
        let expected = parts[1].count == 2 ? (start + 1) % 100 : start + 1
        guard end == expected else { return nil }
        startYear = start
    }

    public var description: String {
        let end = (startYear + 1) % 100
        return "\(startYear)-\(end < 10 ? "0" : "")\(end)"
    }

    public static func < (a: SchoolYear, b: SchoolYear) -> Bool { a.startYear < b.startYear }
}
