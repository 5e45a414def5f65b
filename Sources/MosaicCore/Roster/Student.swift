/// A student's demographics as a roster records them (OneRoster `demographics.csv` and
/// the Mosaic extension `mosaic_students.csv`). `nil` means not recorded.
public struct Student: Sendable, Equatable {
    public enum Race: String, CaseIterable, Sendable {
        case americanIndian, asian, black, hispanic, multiracial, pacificIslander, white
    }

    public enum Sex: String, CaseIterable, Sendable {
        case female, male, other, unspecified
    }

    public enum Disability: String, CaseIterable, Sendable {
        case iep, section504 = "504", none
    }

    public var id: String
    public var grade: Grade?
    public var race: Race?
    public var sex: Sex?
    public var economicallyDisadvantaged: Bool?
    public var englishLearner: Bool?
    public var disability: Disability?
    public var gifted: Bool?
    public var homeLanguage: String?

    public init(
        id: String, grade: Grade? = nil, race: Race? = nil, sex: Sex? = nil, economicallyDisadvantaged: Bool? = nil,
        englishLearner: Bool? = nil, disability: Disability? = nil, gifted: Bool? = nil, homeLanguage: String? = nil
    ) {
        self.id = id
        self.grade = grade
        self.race = race
        self.sex = sex
        self.economicallyDisadvantaged = economicallyDisadvantaged
        self.englishLearner = englishLearner
        self.disability = disability
        self.gifted = gifted
        self.homeLanguage = homeLanguage
    }

    /// The federal seven race/ethnicity categories from OneRoster's flags (contract
    /// `roster.md`): Hispanic if `hispanicOrLatinoEthnicity`; otherwise multiracial if
    /// `demographicRaceTwoOrMoreRaces` or two or more race flags; otherwise the one flag
    /// set; otherwise unknown (`nil`).
    public static func race(
        hispanic: Bool?, twoOrMore: Bool?, americanIndian: Bool?, asian: Bool?, black: Bool?,
        pacificIslander: Bool?, white: Bool?
    ) -> Race? {
        if hispanic == true { return .hispanic }
        let flags: [(Bool?, Race)] = [(americanIndian, .americanIndian), (asian, .asian), (black, .black),
                                      (pacificIslander, .pacificIslander), (white, .white)]
        let set = flags.filter { $0.0 == true }
        if twoOrMore == true || set.count >= 2 { return .multiracial }
        return set.first?.1
    }

    /// The student's group in a dimension, as an index into `dimension.rosterGroups`;
    /// `nil` for unknown (reported as its own count, left out of every index and rate).
    public func group(in dimension: Dimension) -> Int? {
        switch dimension {
        case .race: race.map { Dimension.raceOrder[$0]! }
        case .economic: economicallyDisadvantaged.map { $0 ? 0 : 1 }
        case .englishLearner: englishLearner.map { $0 ? 0 : 1 }
        case .disability: disability.map { Dimension.disabilityOrder[$0]! }
        case .gender: sex.map { Dimension.sexOrder[$0]! }
        case .raceByEconomic:
            race.flatMap { r in economicallyDisadvantaged.map { Dimension.raceOrder[r]! * 2 + ($0 ? 0 : 1) } }
        }
    }
}

extension Dimension {
    /// The groups a roster yields for this dimension (contract `roster.md`), without
    /// `unknown`, which is counted apart.
    public var rosterGroups: [String] {
        switch self {
        case .race: Student.Race.allCases.map(\.rawValue)
        case .economic: ["disadvantaged", "notDisadvantaged"]
        case .englishLearner: ["el", "notEl"]
        case .disability: ["iep", "504", "none"]
        case .gender: Student.Sex.allCases.map(\.rawValue)
        case .raceByEconomic: Student.Race.allCases.flatMap { ["\($0.rawValue)·disadvantaged", "\($0.rawValue)·notDisadvantaged"] }
        }
    }

    static let raceOrder = Dictionary(uniqueKeysWithValues: Student.Race.allCases.enumerated().map { ($1, $0) })
    static let disabilityOrder = Dictionary(uniqueKeysWithValues: Student.Disability.allCases.enumerated().map { ($1, $0) })
    static let sexOrder = Dictionary(uniqueKeysWithValues: Student.Sex.allCases.enumerated().map { ($1, $0) })
}

extension Dimension {
    /// The dimension inside a sentence: "race and ethnicity", "English learner status".
    public var phrase: String {
        switch self {
        case .race: "race and ethnicity"
        case .economic: "economic disadvantage"
        case .englishLearner: "English learner status"
        case .disability: "disability"
        case .gender: "gender"
        case .raceByEconomic: "race and income together"
        }
    }

    /// How a reader names a roster group (JSON keeps the codes of contract `roster.md`).
    public static func label(_ group: String) -> String {
        switch group {
        case "americanIndian": "American Indian"
        case "asian": "Asian"
        case "black": "Black"
        case "hispanic": "Hispanic"
        case "multiracial": "Multiracial"
        case "pacificIslander": "Pacific Islander"
        case "white": "White"
        case "disadvantaged": "economically disadvantaged"
        case "notDisadvantaged": "not disadvantaged"
        case "el": "English learners"
        case "notEl": "not English learners"
        case "iep": "IEP"
        case "504": "Section 504"
        case "none": "no disability"
        case "unknown": "unknown"
        // The NYC Demographic Snapshot's groups.
        case "multiracialOrOther": "Multiracial or other"
        case "poverty": "in poverty"
        case "notPoverty": "not in poverty"
        case "englishLearner": "English learners"
        case "notEnglishLearner": "not English learners"
        case "disability": "students with disabilities"
        case "noDisability": "no disability"
        default:
            // An intersection: "White, not disadvantaged".
            if let dot = group.firstIndex(of: "·") {
                "\(label(String(group[..<dot]))), \(label(String(group[group.index(after: dot)...])))"
            } else {
                group
            }
        }
    }
}
