/// A New York City school code, the District-Borough-Number: two digits of district,
/// one borough letter (M Manhattan, X Bronx, K Brooklyn, Q Queens, R Staten Island) and
/// three characters of school number, as in `01M015`.
///
/// Districts 01–32 are the community school districts; 75 is citywide special
/// education, 79 alternative schools, 84 charter schools.
public struct DBN: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let district: Int
    public let borough: Character
    public let number: String

    /// Parses a DBN; `nil` when the text is not of that form.
    public init?(_ text: String) {
        let chars = Array(text.trimmingWhitespace())
        guard chars.count == 6,
              let tens = chars[0].wholeNumberValue, let ones = chars[1].wholeNumberValue,
              "MXKQR".contains(chars[2]),
              chars[3...].allSatisfy({ $0.isNumber || $0.isUppercase })
        else { return nil }
        district = tens * 10 + ones
        borough = chars[2]
        number = String(chars[3...])
    }

    /// True for districts 01–32, the geographic community school districts.
    public var isCommunitySchoolDistrict: Bool { (1...32).contains(district) }

    /// The district as the DOE writes it, two digits: `"01"`.
    public var districtCode: String { district < 10 ? "0\(district)" : "\(district)" }

    public var boroughName: String {
        switch borough {
        case "M": "Manhattan"
        case "X": "Bronx"
        case "K": "Brooklyn"
        case "Q": "Queens"
        default: "Staten Island"
        }
    }

    public var description: String { "\(districtCode)\(borough)\(number)" }

    public static func < (a: DBN, b: DBN) -> Bool { a.description < b.description }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        // Most fields start and end with a printable ASCII byte: nothing to trim, and no
        // Unicode property lookups (they were half of `mosaic segregation` on 240,000
        // rows, issue 25). ASCII whitespace is 0x09–0x0D and 0x20.
        func plain(_ b: UInt8) -> Bool { b > 0x20 && b < 0x80 }
        if let f = utf8.first, let l = utf8.last, plain(f), plain(l) { return self }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
