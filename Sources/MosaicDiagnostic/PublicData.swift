#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MosaicCore
import MosaicMetrics

/// A district's Key Question from public data alone (contract `crdc.md`): its high schools
/// against the district, the district against its state, who takes AP and who attends a
/// high school that offers none, and where its segregation stands among its state's
/// districts. Groups are ``PublicHighSchool/raceGroups``.
public struct PublicDistrictFigures: Sendable, Equatable {
    public struct School: Sendable, Equatable {
        public var name: String
        public var offersAP: Bool
        public var students: [Int]
        public var apStudents: [Int]
        /// `½ Σ_g |p_g(school) − p_g(district)|`; nil for a school without students.
        public var dissimilarityVsDistrict: Double?
    }

    public var state: String
    public var district: String
    public var highSchools: Int
    public var highSchoolsWithAP: Int
    public var students: [Int]
    public var apStudents: [Int]
    /// Students of each group in the district's schools that offer no AP.
    public var inHighSchoolsWithoutAP: [Int]
    /// `1 − white / all` (all = the seven groups); nil without students.
    public var studentsOfColorShare: Double?
    /// The same over AP students; nil without AP students.
    public var apStudentsOfColorShare: Double?
    /// `(apStudents_g / apStudents) / (students_g / students)`; nil where the group has no
    /// students (or the district no AP students).
    public var representation: [Double?]
    /// `1 − inHighSchoolsWithoutAP_g / students_g`: the share of the group's students whose
    /// high school offers AP; nil where the group has no students.
    public var accessRate: [Double?]
    /// Multigroup dissimilarity of race across the district's high schools (0 with one).
    public var D: Double
    /// `½ Σ_g |p_g(district) − p_g(state)|`.
    public var dissimilarityVsState: Double
    /// The share of the state's districts with at least two high schools whose D is lower
    /// than this one's; nil for a district with fewer than two high schools.
    public var statePercentileD: Double?
    public var schools: [School]

    public var totalStudents: Int { students.reduce(0, +) }
    public var totalAPStudents: Int { apStudents.reduce(0, +) }
}

/// A state as the sum of its high schools: the first level of the Key Question.
public struct PublicStateFigures: Sendable, Equatable {
    public var state: String
    public var districts: Int
    public var highSchools: Int
    public var students: [Int]
    public var apStudents: [Int]
    /// The state's districts with two or more high schools: those `statePercentileD`
    /// compares.
    public var districtsCompared: Int

    /// Each group's share of the state's high-school students.
    public var composition: [Double] { shares(students) }
}

/// Every state's and district's figures from a public high-school file.
public struct PublicDataAnalysis: Sendable {
    public var states: [PublicStateFigures]
    public var districts: [PublicDistrictFigures]

    /// - Complexity: O(schools · groups + districts · log districts).
    public init(_ schools: [PublicHighSchool]) {
        let K = PublicHighSchool.raceGroups.count
        // Districts in order of first appearance, schools in file order.
        var order: [String] = [], byDistrict: [String: [Int]] = [:]
        for (i, s) in schools.enumerated() {
            let key = s.state + "\u{1F}" + s.district
            if byDistrict[key] == nil { order.append(key) }
            byDistrict[key, default: []].append(i)
        }
        var stateIndex: [String: Int] = [:]
        var states: [PublicStateFigures] = []
        for s in schools where stateIndex[s.state] == nil {
            stateIndex[s.state] = states.count
            states.append(PublicStateFigures(state: s.state, districts: 0, highSchools: 0, students: Array(repeating: 0, count: K),
                                             apStudents: Array(repeating: 0, count: K), districtsCompared: 0))
        }
        for s in schools {
            let j = stateIndex[s.state]!
            states[j].highSchools += 1
            for k in 0..<K { states[j].students[k] += s.students[k]; states[j].apStudents[k] += s.apStudents[k] }
        }
        let compositions = states.map(\.composition)
        var districts: [PublicDistrictFigures] = []
        districts.reserveCapacity(order.count)
        for key in order {
            let members = byDistrict[key]!.map { schools[$0] }
            districts.append(Self.figures(members, state: compositions[stateIndex[members[0].state]!]))
        }
        for d in districts { states[stateIndex[d.state]!].districts += 1 }
        // Percentiles within each state, over districts with two or more high schools.
        var dsByState: [String: [Double]] = [:]
        for d in districts where d.highSchools >= 2 { dsByState[d.state, default: []].append(d.D) }
        for key in dsByState.keys { dsByState[key]!.sort() }
        for (state, ds) in dsByState { states[stateIndex[state]!].districtsCompared = ds.count }
        for i in districts.indices where districts[i].highSchools >= 2 {
            let sorted = dsByState[districts[i].state]!
            districts[i].statePercentileD = Double(Self.countBelow(districts[i].D, in: sorted)) / Double(sorted.count)
        }
        self.states = states
        self.districts = districts
    }

    /// How many values of a sorted array are strictly below `x`.
    static func countBelow(_ x: Double, in sorted: [Double]) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// One district's figures from its schools and its state's composition.
    static func figures(_ members: [PublicHighSchool], state: [Double]) -> PublicDistrictFigures {
        let K = PublicHighSchool.raceGroups.count, white = PublicHighSchool.white
        var students = [Int](repeating: 0, count: K), ap = students, without = students
        for s in members {
            for k in 0..<K {
                students[k] += s.students[k]
                ap[k] += s.apStudents[k]
                if !s.offersAP { without[k] += s.students[k] }
            }
        }
        let all = students.reduce(0, +), allAP = ap.reduce(0, +)
        let P = shares(students)
        let representation: [Double?] = (0..<K).map { k in
            guard students[k] > 0, allAP > 0 else { return nil }
            return (Double(ap[k]) / Double(allAP)) / (Double(students[k]) / Double(all))
        }
        let access: [Double?] = (0..<K).map { k in students[k] > 0 ? 1 - Double(without[k]) / Double(students[k]) : nil }
        let withStudents = members.filter { $0.students.reduce(0, +) > 0 }
        var D = 0.0
        if withStudents.count >= 2,
           let m = try? CountMatrix(units: withStudents.indices.map(String.init), groups: PublicHighSchool.raceGroups,
                                    rows: withStudents.map(\.students)) {
            D = dissimilarity(of: m)
        }
        return PublicDistrictFigures(
            state: members[0].state, district: members[0].district, highSchools: members.count,
            highSchoolsWithAP: members.filter(\.offersAP).count, students: students, apStudents: ap, inHighSchoolsWithoutAP: without,
            studentsOfColorShare: all > 0 ? 1 - Double(students[white]) / Double(all) : nil,
            apStudentsOfColorShare: allAP > 0 ? 1 - Double(ap[white]) / Double(allAP) : nil,
            representation: representation, accessRate: access, D: D,
            dissimilarityVsState: all > 0 ? dissimilarity(of: P, against: state) : 0, statePercentileD: nil,
            schools: members.map { s in
                let n = s.students.reduce(0, +)
                return .init(name: s.name, offersAP: s.offersAP, students: s.students, apStudents: s.apStudents,
                             dissimilarityVsDistrict: n > 0 && all > 0 ? dissimilarity(of: shares(s.students), against: P) : nil)
            })
    }
}

/// Each count's share of the total (zeros when the total is 0).
func shares(_ counts: [Int]) -> [Double] {
    let t = counts.reduce(0, +)
    return counts.map { t > 0 ? Double($0) / Double(t) : 0 }
}

/// Whether a district's AP students include fewer students of colour than its student
/// body, over the country's districts: the analysis published with the CRDC 2015-16 AP
/// file (jhuggins/anti-racist-data, `data/AP-enrollment-by-race/README.Rmd`), rebuilt
/// from ``PublicDistrictFigures``.
///
/// Its rules, kept exactly so that the figures can be compared: percentages of students
/// of colour `100 · (1 − white / all)` in double precision; districts with more than
/// `minimumStudents` students; a district is left out when its AP percentage is a whole
/// number (`%% 1 != 0` in R, which drops 0 % and 100 % — and every district without AP
/// students — along with any other whole percentage). Then the share of districts whose
/// AP percentage is below the student body's, the share below half of it, and the
/// least-squares line `ap = intercept + slope · all`. Published: 2,992 districts, 78 %,
/// 4 %, intercept −1.6771, slope 0.9107.
public struct APRepresentationFit: Sendable, Equatable {
    public var districts: Int
    public var shareLower: Double
    public var shareBelowHalf: Double
    public var intercept: Double
    public var slope: Double

    /// - Complexity: O(districts).
    public init?(_ figures: [PublicDistrictFigures], minimumStudents: Int = 1_000) {
        var xs: [Double] = [], ys: [Double] = []
        for d in figures where d.totalStudents > minimumStudents && d.totalAPStudents > 0 {
            let x = 100 * (1 - Double(d.students[PublicHighSchool.white]) / Double(d.totalStudents))
            let y = 100 * (1 - Double(d.apStudents[PublicHighSchool.white]) / Double(d.totalAPStudents))
            guard y.truncatingRemainder(dividingBy: 1) != 0 else { continue }
            xs.append(x); ys.append(y)
        }
        guard xs.count >= 2 else { return nil }
        let n = Double(xs.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for i in xs.indices { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx) }
        guard sxx > 0 else { return nil }
        districts = xs.count
        shareLower = Double(zip(xs, ys).filter { $1 < $0 }.count) / n
        shareBelowHalf = Double(zip(xs, ys).filter { $1 < 0.5 * $0 }.count) / n
        slope = sxy / sxx
        intercept = my - slope * mx
    }
}

/// The states and districts a reader asked for: a state and/or a district by name (any
/// case, as the source writes them), districts with at least `minimumStudents` students.
/// Percentiles stay those among all the state's districts.
public struct PublicDataSelection: Sendable {
    /// A name the data does not have, with the names closest to it.
    public struct Unknown: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public var states: [PublicStateFigures]
    public var districts: [PublicDistrictFigures]

    public init(_ analysis: PublicDataAnalysis, state: String?, district: String?, minimumStudents: Int = 0) throws(Unknown) {
        var states = analysis.states, districts = analysis.districts
        if let state {
            let key = Self.key(state)
            states = states.filter { Self.key($0.state) == key }
            guard !states.isEmpty else {
                throw Unknown(description: "no state \"\(state)\" in the file; states are written like \(Self.closest(state, among: analysis.states.map(\.state)))")
            }
            districts = districts.filter { Self.key($0.state) == key }
        }
        if let district {
            let key = Self.key(district)
            let found = districts.filter { Self.key($0.district) == key }
            guard !found.isEmpty else {
                let scope = state.map { " in \($0)" } ?? ""
                throw Unknown(description: "no district \"\(district)\"\(scope) in the file; the closest names: \(Self.closest(district, among: districts.map(\.district)))")
            }
            districts = found
            let named = Set(found.map(\.state))
            states = states.filter { named.contains($0.state) }
        }
        self.states = states
        self.districts = districts.filter { $0.totalStudents >= minimumStudents }
    }

    static func key(_ name: String) -> String { name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    /// Up to three names nearest `name`: sharing its longest word first, then by edit
    /// distance (any case).
    static func closest(_ name: String, among names: [String]) -> String {
        let wanted = key(name)
        let words = Set(wanted.split(separator: " ").map(String.init))
        let scored = Set(names).map { n -> (Int, Int, String) in
            let shared = Set(key(n).split(separator: " ").map(String.init)).intersection(words).map(\.count).max() ?? 0
            return (-shared, editDistance(Array(key(n)), Array(wanted)), n)
        }.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        return scored.prefix(3).map { "\"\($0.2)\"" }.joined(separator: ", ")
    }

    /// Levenshtein distance. - Complexity: O(a · b).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count), current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension PublicDataAnalysis {
    /// The districts of `district`'s state nearest to it: distance `|ln(n/n')| + ½Σ|p − p'|`
    /// over size and race composition, the district itself left out.
    /// - Complexity: O(districts of the state · groups).
    /// `candidates`: the indices of the state's districts (all districts when nil).
    public func peers(of district: Int, among candidates: [Int]? = nil, count: Int = 5) -> [Int] {
        let d = districts[district]
        let n = Double(max(1, d.totalStudents)), p = shares(d.students)
        return (candidates ?? Array(districts.indices))
            .filter { $0 != district && districts[$0].state == d.state && districts[$0].totalStudents > 0 }
            .map { j -> (Double, Int) in
                let o = districts[j]
                return (abs(log(Double(o.totalStudents) / n)) + dissimilarity(of: shares(o.students), against: p), j)
            }
            .sorted { $0 < $1 }
            .prefix(count).map(\.1)
    }
}

/// A public-data district's diagnostic (contract `crdc.md`): the across-schools level for
/// race over its high schools, the district against its state's high schools, and AP as
/// its advanced coursework — eligible where the school offers AP, so a group's access is
/// the share of its students whose high school offers any. No classes: the within-school
/// level is absent, as for school counts. Groups in Mosaic's roster order.
/// - Complexity: O(schools · groups²).
public func diagnose(publicDistrict d: PublicDistrictFigures, state: PublicStateFigures, context: PublicDataContext,
                     termID: String, termTitle: String, options o: DiagnosticOptions) -> Diagnostic {
    let groups = Dimension.race.rosterGroups
    let order = groups.map { PublicHighSchool.raceGroups.firstIndex(of: $0)! }
    func mapped(_ c: [Int]) -> [Int] { order.map { c[$0] } }
    let counts = mapped(d.students), P = shares(counts)
    let schools = d.schools.enumerated().map { i, s in (id: "hs\(i + 1)", name: s.name, counts: mapped(s.students), unknown: 0) }
    let across = acrossSchools(schools, groups: groups, P: P)
    let G = groups.count
    var eligibleSG: [Int] = [], participantsSG: [Int] = []
    for s in d.schools {
        eligibleSG += s.offersAP ? mapped(s.students) : Array(repeating: 0, count: G)
        participantsSG += mapped(s.apStudents)
    }
    let eligibleG = (0..<G).map { g in stride(from: g, to: eligibleSG.count, by: G).reduce(0) { $0 + eligibleSG[$1] } }
    let advanced = Advanced(eligibleSG: eligibleSG, participantsSG: participantsSG, eligibleG: eligibleG, participantsG: mapped(d.apStudents),
                            offeredG: d.highSchoolsWithAP > 0 ? counts : Array(repeating: 0, count: G),
                            schools: schools.map { ($0.id, $0.name) }, groups: groups, minimumN: o.minimumN)
    let reference = mapped(state.students)
    let dimension = DimensionResult(
        dimension: .race, groups: groups, counts: counts, unknown: 0,
        districtVsReference: counts.reduce(0, +) > 0 ? dissimilarity(of: P, against: shares(reference)) : nil,
        referenceCounts: reference, acrossSchools: across,
        withinSchools: WithinSchools(hBetween: .nan, hWithin: .nan, mBetween: .nan, mWithin: .nan, schools: []),
        advanced: advanced)
    var diagnostic = Diagnostic(
        termID: termID, termTitle: termTitle, students: d.totalStudents, schools: d.highSchools, classes: 0, enrollments: 0,
        baselineDraws: 0, seed: o.seed, dimensions: [dimension], findings: Findings.derive([dimension], options: o),
        referenceName: o.referenceName)
    diagnostic.publicData = context
    return diagnostic
}

extension PublicDataAnalysis {
    /// A state's high-school students by race, as a roster's reference (issue 24): the
    /// first level for a roster district that names its state. `name` in any case; an
    /// unknown state names the closest.
    /// - Returns: the counts by ``Dimension/race`` roster group and the name pages give it.
    public func stateReference(_ name: String) throws(PublicDataSelection.Unknown) -> (reference: Roster.Reference, name: String) {
        let key = PublicDataSelection.key(name)
        guard let state = states.first(where: { PublicDataSelection.key($0.state) == key }) else {
            throw PublicDataSelection.Unknown(description: "no state \"\(name)\" in the CRDC file; states are written like \(PublicDataSelection.closest(name, among: states.map(\.state)))")
        }
        let groups = Dimension.race.rosterGroups
        let counts = groups.map { state.students[PublicHighSchool.raceGroups.firstIndex(of: $0)!] }
        return ([.race: Dictionary(uniqueKeysWithValues: zip(groups, counts))],
                "\(PublicHighSchool.stateName(state.state)) public high schools, CRDC 2015-16")
    }
}

extension Roster {
    /// The state the district org names: its parent org of type `state` (orgs.csv), if any.
    public func state(of district: Roster.Org) -> String? {
        guard let p = district.parent, orgs.indices.contains(p), orgs[p].type == "state" else { return nil }
        return orgs[p].name
    }
}
