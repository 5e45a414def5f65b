import MosaicCore

/// Turns the numbers into findings, each naming the guidebook's root cause and its
/// actions. Thresholds:
/// - across schools: the district's D ≥ 0.30 (Massey & Denton's "moderate"), and each
///   school whose mix is 25 points or more from the district's (`½ Σ |p − P| ≥ 0.25`);
/// - scheduling: a school whose classrooms are more segregated than random assignment
///   makes them, significant after Benjamini–Hochberg across the district's schools
///   (small classrooms differ by chance: chance is never flagged);
/// - course enrollment: a group whose advanced participation is below four fifths of the
///   overall rate (the "80 % rule" of disparate-impact review) with students missing.
/// Every finding rests on at least `minimumN` students.
enum Findings {
    static let districtD = 0.30
    static let schoolDissimilarity = 0.25
    static let underRepresentation = 0.8

    static func derive(_ dimensions: [DimensionResult], options o: DiagnosticOptions) -> [Finding] {
        var out: [Finding] = []
        let across = o.guidebook.actions(for: "districtPolicies", scope: "acrossSchools")
        let scheduling = o.guidebook.actions(for: "scheduling", scope: "withinSchools")
        let course = o.guidebook.actions(for: "courseEnrollment", scope: "withinSchools")
        for d in dimensions {
            let what = d.dimension.phrase
            let P = d.counts.map { d.known > 0 ? Double($0) / Double(d.known) : 0 }
            // Across schools.
            if d.acrossSchools.D >= districtD && d.known >= o.minimumN {
                let far = d.acrossSchools.schools.filter { $0.dissimilarityVsDistrict >= schoolDissimilarity }.count
                out.append(Finding(
                    level: .acrossSchools, dimension: d.dimension, subject: "district", metric: "D", value: d.acrossSchools.D,
                    message: "Schools do not reflect the district (\(what)): D = \(fixed(d.acrossSchools.D, 2)) across \(d.acrossSchools.schools.count) schools (\(d.acrossSchools.D >= 0.6 ? "high" : "moderate"), Massey & Denton); \(far) school\(far == 1 ? " differs" : "s differ") from the district mix by 25 points or more.",
                    actions: across))
            }
            for s in d.acrossSchools.schools.sorted(by: { $0.dissimilarityVsDistrict > $1.dissimilarityVsDistrict })
            where s.dissimilarityVsDistrict >= schoolDissimilarity && s.counts.reduce(0, +) >= o.minimumN {
                let t = Double(s.counts.reduce(0, +))
                let k = (0..<d.groups.count).max { Double(s.counts[$0]) / t - P[$0] < Double(s.counts[$1]) / t - P[$1] }!
                out.append(Finding(
                    level: .acrossSchools, dimension: d.dimension, subject: s.id, metric: "dissimilarityVsDistrict",
                    value: s.dissimilarityVsDistrict,
                    message: "\(s.name) differs from the district's \(what) mix by \(Int((s.dissimilarityVsDistrict * 100).rounded())) points: \(percent(Double(s.counts[k]) / t)) \(Dimension.label(d.groups[k])) against \(percent(P[k])) district-wide.",
                    actions: across, counts: s.counts + [s.unknown],
                    outline: "\(s.name) differs from the district's \(what) mix by 25 points or more (details suppressed: a group of the school is small)."))
            }
            // Scheduling: classrooms beyond chance.
            let tested = d.withinSchools.schools.count
            for s in d.withinSchools.schools.sorted(by: { $0.excessH > $1.excessH }) where s.significant {
                let seats = s.classrooms.reduce(0) { $0 + $1.students }
                guard seats >= o.minimumN else { continue }
                let worst = s.classrooms.sorted { $0.dissimilarityVsSchool > $1.dissimilarityVsSchool }.prefix(3)
                out.append(Finding(
                    level: .scheduling, dimension: d.dimension, subject: s.id, metric: "excessH", value: s.excessH,
                    message: "Classrooms in \(s.name) are more segregated by \(what) than random assignment makes them: H = \(fixed(s.H, 3)) against \(fixed(s.expectedH, 3)) by chance (p = \(fixed(s.pValue, 3)), significant across \(tested) schools after Benjamini–Hochberg). Classes furthest from the school's mix: \(worst.map { "\($0.title) (\(Int(($0.dissimilarityVsSchool * 100).rounded())) points)" }.joined(separator: ", ")).",
                    actions: scheduling, counts: worst.flatMap(\.counts),
                    outline: "Classrooms in \(s.name) are more segregated by \(what) than random assignment makes them: H = \(fixed(s.H, 3)) against \(fixed(s.expectedH, 3)) by chance (p = \(fixed(s.pValue, 3)), significant across \(tested) schools after Benjamini–Hochberg)."))
            }
            // Course enrollment: advanced participation.
            func underRepresented(_ g: Advanced.Group) -> Bool {
                g.eligible >= o.minimumN && g.representationIndex < underRepresentation && g.missing >= 1
            }
            for g in d.advanced.groups where underRepresented(g) {
                out.append(Finding(
                    level: .courseEnrollment, dimension: d.dimension, subject: "district", metric: "representationIndex",
                    value: g.representationIndex,
                    message: "\(capitalized(Dimension.label(g.group))) students take advanced courses at \(percent(g.rate)) against \(percent(d.advanced.overallRate)) overall (representation \(fixed(g.representationIndex, 2))): \(Int(g.missing.rounded())) students missing if they took part at the rate of the other students in their schools, \(Int(g.missingToHighest.rounded())) to reach the highest group's rate.",
                    actions: course, counts: [g.eligible, g.participants, g.eligible - g.participants, Int(g.missing.rounded()), Int(g.missingToHighest.rounded())],
                    outline: "\(capitalized(Dimension.label(g.group))) students take advanced courses at less than four fifths of the overall rate (details suppressed: small counts).",
                    group: g.group))
            }
            // Schools, the most missing students first.
            let schoolGaps = d.advanced.schools.flatMap { s in
                s.groups.filter { underRepresented($0) && $0.missing >= Double(o.minimumN) / 2 }.map { (s, $0) }
            }.sorted { $0.1.missing > $1.1.missing }
            for (s, g) in schoolGaps {
                out.append(Finding(
                    level: .courseEnrollment, dimension: d.dimension, subject: s.id, metric: "representationIndex",
                    value: g.representationIndex,
                    message: "In \(s.name), \(Dimension.label(g.group)) students take advanced courses at \(percent(g.rate)) (representation \(fixed(g.representationIndex, 2))): \(Int(g.missing.rounded())) missing at the school's rate for other students.",
                    actions: course, counts: [g.eligible, g.participants, g.eligible - g.participants, Int(g.missing.rounded())],
                    outline: "In \(s.name), \(Dimension.label(g.group)) students take advanced courses at less than four fifths of the school's overall rate (details suppressed: small counts).",
                    group: g.group))
            }
        }
        return out
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    static func fixed(_ x: Double, _ digits: Int) -> String { Format.fixed(x, digits) }
    static func percent(_ share: Double) -> String { Format.percent(share, digits: 0) }
}
