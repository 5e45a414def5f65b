import MosaicCore
import MosaicDiagnostic

extension AutoEnrollmentSimulation {
    /// The simulation as a terminal report: the thresholds side by side, then each
    /// threshold's groups (the chosen dimension) and schools.
    public func text(limitSchools: Int = 20) -> String {
        var out = "Auto-enrollment in advanced coursework — term \(termTitle) (\(termID)), \(subject) results\n"
        out += "\(Format.count(eligible)) students in a grade offered an advanced class, \(Format.count(assessed)) with a \(subject) result; "
        out += "opt-out rate \(Format.percent(optOutRate)), seed \(seed); near the cut-off = within \(Format.fixed(band, 1)) points below it\n\n"
        var side = TextTable(["threshold", "qualify", "auto-enrolled", "opt out", "rate now", "projected", "expected",
                              "missing now", "missing after", "new seats", "new sections", "seats to close gap", "sections", "near cut-off"])
        for s in scenarios {
            let d = s.dimensions.first { $0.dimension == dimension }
            side.append([s.threshold, Format.count(s.qualifying), Format.count(s.autoEnrolled), Format.count(s.optedOut),
                         Format.percent(s.rateNow), Format.percent(s.rateProjected), Format.percent(s.expectedRate),
                         whole(d?.groups.map(\.missingNow).reduce(0, +) ?? 0),
                         whole(d?.groups.map(\.missingProjected).reduce(0, +) ?? 0),
                         Format.count(s.newSeats), Format.count(s.newSections), Format.count(s.seatsToCloseGap),
                         Format.count(s.sectionsToCloseGap), Format.count(s.nearCutoff.count)])
        }
        out += "Thresholds side by side (missing students: \(dimension.title.lowercased()))\n" + side.rendered() + "\n"
        for s in scenarios {
            out += "Threshold \(s.threshold)\n"
            if let d = s.dimensions.first(where: { $0.dimension == dimension }) {
                var t = TextTable(["group", "eligible", "rate now", "projected", "repr. now", "repr. after", "missing now", "missing after", "near cut-off"])
                for g in d.groups where g.eligible > 0 {
                    t.append([g.group, Format.count(g.eligible), Format.percent(g.rateNow), Format.percent(g.rateProjected),
                              Format.fixed(g.representationNow, 2), Format.fixed(g.representationProjected, 2),
                              whole(g.missingNow), whole(g.missingProjected), Format.count(g.nearCutoff)])
                }
                out += t.rendered()
            }
            var t = TextTable(["school", "eligible", "now", "projected", "new seats", "class size", "new sections",
                               "gap after", "seats to close gap", "sections", "near cut-off"])
            let ordered = s.schools.sorted { ($0.seatsToCloseGap, $1.id) > ($1.seatsToCloseGap, $0.id) }
            for school in ordered.prefix(limitSchools) {
                t.append([school.name, Format.count(school.eligible), Format.count(school.participantsNow),
                          Format.count(school.participantsProjected), Format.count(school.newSeats), "\(school.classSize)",
                          Format.count(school.newSections), whole(school.gapAfter), Format.count(school.seatsToCloseGap),
                          Format.count(school.sectionsToCloseGap), Format.count(school.nearCutoff)])
            }
            out += "\n" + t.rendered()
            if s.schools.count > limitSchools { out += "  … \(s.schools.count - limitSchools) more schools (--format json)\n" }
            out += "\n"
        }
        return out
    }
}

/// A count that may be fractional (missing students), rounded, with separators.
private func whole(_ x: Double) -> String { Format.count(Int(x.rounded())) }
