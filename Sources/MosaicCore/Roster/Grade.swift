/// A grade level as OneRoster writes it (CEDS codes): `IT`, `PR`, `PK`, `TK`, `KG`,
/// `01`…`13`, `PS`, `UG`, `Other`. Ordered from infant/toddler to postsecondary.
public struct Grade: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position in `Grade.codes`.
    public let ordinal: Int

    /// The CEDS codes, in order.
    public static let codes = ["IT", "PR", "PK", "TK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09",
                               "10", "11", "12", "13", "PS", "UG", "Other"]
    static let index: [String: Int] = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })

    /// Parses a CEDS grade code; `nil` when it is not one. `1`…`9` are read as `01`…`09`.
    public init?(_ code: String) {
        if let i = Self.index[code] { ordinal = i; return }
        if code.count == 1, let n = Int(code), n >= 1 { ordinal = Self.index["0\(n)"]!; return }
        return nil
    }

    public init(ordinal: Int) { self.ordinal = ordinal }

    public var description: String { Self.codes[ordinal] }
    public static func < (a: Grade, b: Grade) -> Bool { a.ordinal < b.ordinal }
}
