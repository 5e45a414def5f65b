import MosaicCore
import MosaicDiagnostic

extension Diagnostic {
    /// The diagnostic as a readable terminal report: each dimension at the three levels,
    /// then the findings with their actions.
    public func text(limitFindings: Int = 12) -> String {
        var out = "Diversity diagnostic — term \(termTitle) (\(termID)): \(Format.count(students)) students, \(schools) schools, \(Format.count(classes)) classes\n"
        out += "Classroom baselines: \(baselineDraws) random assignments per school, seed \(seed)\n\n"
        var summary = TextTable(["dimension", "across schools D", "H", "H within schools", "schools beyond chance", "advanced rate", "largest gap (pp)"])
        for d in dimensions {
            let beyond = d.withinSchools.schools.filter(\.significant).count
            let gap = d.advanced.groups.filter { $0.eligible > 0 }.map(\.gapToHighestPP).max() ?? 0
            summary.append([d.dimension.title, Format.fixed(d.acrossSchools.D, 3), Format.fixed(d.acrossSchools.H, 3),
                            Format.fixed(d.withinSchools.hWithin, 3), "\(beyond) of \(d.withinSchools.schools.count)",
                            Format.percent(d.advanced.overallRate), Format.fixed(gap, 1)])
        }
        out += "The three levels, every dimension\n" + summary.rendered() + "\n"
        for d in dimensions {
            var t = TextTable(["group", "students", "share", "eligible", "advanced", "rate", "repr.", "missing"])
            let known = Double(max(1, d.known))
            for (k, g) in d.groups.enumerated() {
                let a = d.advanced.groups[k]
                t.append([g, Format.count(d.counts[k]), Format.percent(Double(d.counts[k]) / known), Format.count(a.eligible),
                          Format.count(a.participants), a.eligible > 0 ? Format.percent(a.rate) : "–",
                          a.eligible > 0 ? Format.fixed(a.representationIndex, 2) : "–", Format.fixed(a.missing, 0)])
            }
            if d.unknown > 0 { t.append(["unknown", Format.count(d.unknown), "", "", "", "", "", ""]) }
            out += "\(d.dimension.title)\n" + t.rendered() + "\n"
        }
        let levels: [(Finding.Level, String)] = [(.acrossSchools, "Across schools (district policies)"),
                                                  (.courseEnrollment, "Course enrollment (tracking, advanced access)"),
                                                  (.scheduling, "Scheduling (classrooms within schools)")]
        out += "Findings: \(findings.count)\n"
        for (level, title) in levels {
            let fs = findings.filter { $0.level == level }
            guard !fs.isEmpty else { continue }
            out += "\n\(title): \(fs.count)\n"
            for f in fs.prefix(limitFindings) { out += "  • \(f.message)\n" }
            if fs.count > limitFindings { out += "  … \(fs.count - limitFindings) more (--format json or html)\n" }
            if let actions = fs.first?.actions, !actions.isEmpty {
                out += "  Actions: " + actions.map(\.id).joined(separator: ", ") + "\n"
            }
        }
        return out
    }
}
