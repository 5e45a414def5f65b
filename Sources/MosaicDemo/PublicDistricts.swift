import Dispatch
import Foundation
import Synchronization
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicStore

/// Every district of a public high-school file as a store district (issue 24): labelled
/// with its source, one term (the file's school year) whose diagnostic answers the levels
/// public data has, its state as the reference, its percentile and peers in the state.
/// `mosaic import-crdc` and the demo store them with ``Store/importPublicDistricts(_:replace:)``.
public enum PublicDistricts {
    public static let source = "public data: CRDC 2015-16, high schools"
    public static let termID = "2015-16"
    public static let termTitle = "2015-16 (CRDC, high schools)"

    /// A URL-safe id from the state and the district's name, unique in `taken`.
    static func id(state: String, district: String, taken: inout Set<String>) -> String {
        func slug(_ s: String) -> String {
            var out = "", dash = false
            for ch in s.lowercased().unicodeScalars {
                if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) { out.unicodeScalars.append(ch); dash = false }
                else if !dash && !out.isEmpty { out += "-"; dash = true }
            }
            return out.hasSuffix("-") ? String(out.dropLast()) : out
        }
        let base = "crdc-\(slug(state))-\(slug(district).isEmpty ? "district" : slug(district))"
        var id = base, k = 2
        while taken.contains(id) { id = "\(base)-\(k)"; k += 1 }
        taken.insert(id)
        return id
    }

    /// The store items for every district of `analysis`, diagnosed on all cores.
    /// - Complexity: O(schools · groups² + Σ_states districts²) (the peers).
    public static func items(_ analysis: PublicDataAnalysis, guidebook: Guidebook, minimumN: Int = 10, importedAt: Date,
                             progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> [PublicDistrictImport] {
        var taken = Set<String>()
        let ids = analysis.districts.map { id(state: $0.state, district: $0.district, taken: &taken) }
        let states = Dictionary(uniqueKeysWithValues: analysis.states.map { ($0.state, $0) })
        var inState: [String: [Int]] = [:]
        for (i, d) in analysis.districts.enumerated() { inState[d.state, default: []].append(i) }
        let n = analysis.districts.count
        let byState = inState
        let results = Mutex([PublicDistrictImport?](repeating: nil, count: n))
        let failure = Mutex<(any Error)?>(nil)
        let done = Atomic<Int>(0)
        let chunk = 256
        DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
            var local: [(Int, PublicDistrictImport)] = []
            for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                do { local.append((i, try item(i, analysis, ids: ids, state: states[analysis.districts[i].state]!,
                                               peers: analysis.peers(of: i, among: byState[analysis.districts[i].state]), guidebook: guidebook,
                                               minimumN: minimumN, importedAt: importedAt))) }
                catch { failure.withLock { $0 = $0 ?? error } }
            }
            results.withLock { r in for (i, x) in local { r[i] = x } }
            let total = done.add(local.count, ordering: .relaxed).newValue
            progress?("diagnosing public-data districts", total, n)
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.compactMap { $0 } }
    }

    static func item(_ i: Int, _ analysis: PublicDataAnalysis, ids: [String], state: PublicStateFigures, peers nearest: [Int],
                     guidebook: Guidebook, minimumN: Int, importedAt: Date) throws -> PublicDistrictImport {
        let d = analysis.districts[i]
        let stateName = PublicHighSchool.stateName(d.state)
        let district = DistrictRecord(id: ids[i], name: "\(d.district), \(stateName)", synthetic: false, state: d.state, publicData: source)
        let peers = nearest.map { j -> PublicDataContext.Peer in
            let p = analysis.districts[j]
            return .init(id: ids[j], name: p.district, students: p.totalStudents, studentsOfColorShare: p.studentsOfColorShare ?? 0,
                         highSchools: p.highSchools, D: p.D)
        }
        let context = PublicDataContext(source: source, state: stateName, statePercentileD: d.statePercentileD, districtsCompared: state.districtsCompared,
                                        highSchoolsWithAP: d.highSchoolsWithAP, studentsOfColorShare: d.studentsOfColorShare,
                                        apStudentsOfColorShare: d.apStudentsOfColorShare, peers: peers)
        var options = DiagnosticOptions(baselineDraws: 0, minimumN: minimumN, guidebook: guidebook)
        options.referenceName = "\(stateName) public high schools, CRDC 2015-16"
        let diagnostic = diagnose(publicDistrict: d, state: state, context: context, termID: termID, termTitle: termTitle, options: options)
        // The stored roster: the district, its high schools and the state's counts.
        let groups = Dimension.race.rosterGroups
        let stateCounts = groups.map { state.students[PublicHighSchool.raceGroups.firstIndex(of: $0)!] }
        let roster = Roster(
            version: "crdc-2015-16",
            orgs: [.init(id: ids[i], name: district.name, type: "district")]
                + d.schools.indices.map { .init(id: "hs\($0 + 1)", name: d.schools[$0].name, type: "school", parent: 0) },
            sessions: [.init(id: termID, title: termID, type: "schoolYear", startDate: "2015-07-01", endDate: "2016-06-30", schoolYear: 2016)],
            courses: [], sections: [], students: [], enrollmentSection: [], enrollmentStudent: [],
            reference: [.race: Dictionary(uniqueKeysWithValues: zip(groups, stateCounts))])
        let term = TermRecord(district: ids[i], id: termID, title: termTitle, schoolYear: 2016, importedAt: importedAt,
                              students: d.totalStudents, schools: d.highSchools, sections: 0, enrollments: 0)
        return PublicDistrictImport(district: district, term: term, roster: roster,
                                    diagnostic: StoredDiagnostic(json: try diagnostic.archived(), computedAt: importedAt,
                                                                 options: "CRDC 2015-16 high schools, min-n=\(minimumN)"))
    }
}
