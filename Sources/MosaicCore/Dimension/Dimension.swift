/// One of the five dimensions along which Mosaic measures diversity, each with the
/// groups it partitions students into.
///
/// The group lists here are the ones found in aggregate public data (the NYC DOE
/// Demographic Snapshot); student-level rosters (OneRoster) refine race to the
/// federal seven categories.
public enum Dimension: String, CaseIterable, Sendable, Codable {
    case race
    case economic
    case englishLearner
    case disability
    case gender
    /// Race and economic disadvantage together (contract `diagnose.md`, "Access and
    /// intersections"): groups `RACE·disadvantaged` and `RACE·notDisadvantaged`, unknown
    /// when either is. Only student-level rosters have it.
    case raceByEconomic

    /// The guidebook's five dimensions, without the intersection: what the tools
    /// (sectioning balance, open honors, enrichment, auto-enrollment) track.
    public static let five: [Dimension] = [.race, .economic, .englishLearner, .disability, .gender]

    /// How an analyst reads the dimension.
    public var title: String {
        switch self {
        case .race: "Race and ethnicity"
        case .economic: "Economic disadvantage"
        case .englishLearner: "English learners"
        case .disability: "Students with disabilities"
        case .gender: "Gender"
        case .raceByEconomic: "Race × income"
        }
    }

    /// The groups of this dimension in aggregate data, in a stable order (the first
    /// group is the one two-group indices such as Atkinson's measure).
    public var groups: [String] {
        switch self {
        case .race: ["asian", "black", "hispanic", "multiracialOrOther", "white"]
        case .economic: ["poverty", "notPoverty"]
        case .englishLearner: ["englishLearner", "notEnglishLearner"]
        case .disability: ["disability", "noDisability"]
        case .gender: ["female", "male"]
        // Aggregate public data does not cross race with income.
        case .raceByEconomic: []
        }
    }
}
