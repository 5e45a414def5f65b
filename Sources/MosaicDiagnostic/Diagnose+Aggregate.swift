import MosaicCore
import MosaicMetrics

/// The diagnostic of a term known only as school counts (such as the NYC Demographic
/// Snapshot): the across-schools level for every dimension the counts have, and the
/// district against its reference (the state, or the city for a community school
/// district). Within-school and advanced-course levels need classes and are absent:
/// `classes` is 0, within-school indices are NaN and no advanced group is listed.
///
/// - Parameters:
///   - schools: the district's schools in the term, counts per dimension in the order of
///     `Dimension.groups`.
///   - reference: the reference's counts per dimension, same order.
/// - Complexity: O(schools · groups) per dimension.
public func diagnose(
    schools: [SchoolDemographics], reference: [Dimension: [Int]]?, termID: String, termTitle: String, options o: DiagnosticOptions
) -> Diagnostic {
    var dimensions: [DimensionResult] = []
    for dimension in Dimension.allCases {
        let groups = dimension.groups
        let rows = schools.map { s -> [Int] in
            let c = s.counts(of: dimension)
            return c.count == groups.count ? c : Array(repeating: 0, count: groups.count)
        }
        let counts = (0..<groups.count).map { k in rows.reduce(0) { $0 + $1[k] } }
        let known = counts.reduce(0, +)
        guard known > 0 else { continue }
        let P = counts.map { Double($0) / Double(known) }
        var districtVsReference: Double?
        var referenceCounts: [Int]?
        if let ref = reference?[dimension], ref.count == groups.count, case let rt = ref.reduce(0, +), rt > 0 {
            districtVsReference = dissimilarity(of: P, against: ref.map { Double($0) / Double(rt) })
            referenceCounts = ref
        }
        let across = acrossSchools(
            schools.indices.map { (id: schools[$0].dbn.description, name: schools[$0].name, counts: rows[$0],
                                   unknown: max(0, schools[$0].totalEnrollment - rows[$0].reduce(0, +))) },
            groups: groups, P: P)
        dimensions.append(DimensionResult(
            dimension: dimension, groups: groups, counts: counts, unknown: max(0, schools.reduce(0) { $0 + $1.totalEnrollment } - known),
            districtVsReference: districtVsReference, referenceCounts: referenceCounts, acrossSchools: across,
            withinSchools: WithinSchools(hBetween: .nan, hWithin: .nan, mBetween: .nan, mWithin: .nan, schools: []),
            advanced: Advanced(overallRate: .nan, groups: [], schools: [])))
    }
    return Diagnostic(
        termID: termID, termTitle: termTitle, students: schools.reduce(0) { $0 + $1.totalEnrollment }, schools: schools.count,
        classes: 0, enrollments: 0, baselineDraws: 0, seed: o.seed, dimensions: dimensions,
        findings: Findings.derive(dimensions, options: o),
        referenceName: dimensions.contains { $0.referenceCounts != nil } ? o.referenceName : nil)
}

extension Diagnostic {
    /// Whether the term has classes (a roster), or only school counts.
    public var hasClassrooms: Bool { classes > 0 }
}

/// Schools as units against the district: each school's `½ Σ_k |p_sk − P_k|` and the
/// district's D, H and M over the schools with students (Massey & Denton 1988; Theil;
/// Mora & Ruiz-Castillo 2011), as `mosaic segregation` computes them.
func acrossSchools(_ rows: [(id: String, name: String, counts: [Int], unknown: Int)], groups: [String], P: [Double]) -> AcrossSchools {
    var schoolRows: [AcrossSchools.School] = []
    var unitIDs: [String] = [], unitCounts: [Int] = []
    for row in rows {
        let t = row.counts.reduce(0, +)
        let p = row.counts.map { t > 0 ? Double($0) / Double(t) : 0 }
        schoolRows.append(.init(id: row.id, name: row.name, counts: row.counts, unknown: row.unknown,
                                dissimilarityVsDistrict: t > 0 ? dissimilarity(of: p, against: P) : 0))
        if t > 0 { unitIDs.append(row.id); unitCounts.append(contentsOf: row.counts) }
    }
    var across = AcrossSchools(D: 0, H: 0, M: 0, schools: schoolRows)
    if !unitIDs.isEmpty, let m = try? CountMatrix(units: unitIDs, groups: groups, counts: unitCounts) {
        across.D = dissimilarity(of: m)
        across.H = informationTheoryIndex(of: m)
        across.M = mutualInformation(of: m)
    }
    return across
}
