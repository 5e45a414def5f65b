import MosaicCore
import MosaicMetrics

extension SegregationProfile {
    /// What the terminal table names things by.
    public struct TextLabels: Sendable {
        public var source: String
        public var unitColumn: String
        public var withinColumn: String?
        /// How many units to list (the most locally segregated first); 0 lists all.
        public var unitLimit: Int
        public var seed: UInt64

        public init(source: String, unitColumn: String, withinColumn: String? = nil, unitLimit: Int = 20, seed: UInt64 = 0) {
            self.source = source
            self.unitColumn = unitColumn
            self.withinColumn = withinColumn
            self.unitLimit = unitLimit
            self.seed = seed
        }
    }

    /// Two to four sentences an analyst can quote, each computed from the profile.
    func summary(_ labels: TextLabels) -> String {
        var lines = ["In short"]
        // Reardon & Firebaugh (2002): D is the share of students who would have to change
        // units for every unit to mirror the whole, relative to that share under complete separation.
        lines.append("  D = \(Format.fixed(indices.D, 3)): for every unit to mirror the whole, \(Format.percent(indices.D)) of the student moves that complete separation would need.")
        if let w = within, w.mTotal > 0 {
            let outerName = labels.withinColumn ?? "outer unit"
            lines.append("  \(Format.percent(w.mBetween / w.mTotal)) of the segregation (M) lies between \(outerName)s, \(Format.percent(w.mWithin / w.mTotal)) among the units within each \(outerName).")
        }
        if let b = baseline {
            let scope = within == nil ? "across all units" : "within each \(labels.withinColumn ?? "outer unit")"
            let verdict = b.D.pValue <= 0.05
                ? "the observed \(Format.fixed(b.D.observed, 3)) is beyond chance (p \(b.D.pValue < 0.001 ? "< 0.001" : "= " + Format.fixed(b.D.pValue, 3)))"
                : "the observed \(Format.fixed(b.D.observed, 3)) is within what chance produces (p = \(Format.fixed(b.D.pValue, 3)))"
            lines.append("  Random assignment \(scope) would give D = \(Format.fixed(b.D.expected, 3)) by chance alone; \(verdict).")
        }
        if groups.count > 2, let most = byGroup.max(by: { $0.DVersusRest < $1.DVersusRest }) {
            lines.append("  The most separated group is \(most.name): D against all others \(Format.fixed(most.DVersusRest, 3)), isolation \(Format.fixed(most.isolation, 3)) where its share is \(Format.percent(composition[groups.firstIndex(of: most.name)!])).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The profile as a readable report for the terminal.
    public func text(_ labels: TextLabels) -> String {
        let f4 = { Format.fixed($0, 4) }
        var out = "Segregation of \(Format.count(students)) students across \(Format.count(unitCount)) units (column \(labels.unitColumn))"
        if let w = within, let col = labels.withinColumn {
            out += ", nested in \(Format.count(w.outer.count)) outer units (column \(col))"
        }
        out += " — \(labels.source)\n"
        out += "Groups: \(groups.joined(separator: ", "))"
        if !droppedGroups.isEmpty { out += "; dropped, no students: \(droppedGroups.joined(separator: ", "))" }
        out += "\n\n" + summary(labels) + "\n"

        var composition = TextTable(["group", "students", "share"])
        for (k, g) in groups.enumerated() {
            composition.append([g, Format.count(Int((self.composition[k] * Double(students)).rounded())), Format.percent(self.composition[k])])
        }
        out += "Composition\n" + composition.rendered() + "\n"

        var idx = TextTable(["index", "", "value"], alignment: [.left, .left, .right])
        idx.append(["D", "dissimilarity", f4(indices.D)])
        idx.append(["Gini", "Gini", f4(indices.Gini)])
        idx.append(["H", "information theory (Theil's H)", f4(indices.H)])
        idx.append(["M", "mutual information, nats", f4(indices.M)])
        idx.append(["E", "entropy of the whole, nats", f4(indices.E)])
        idx.append(["E/ln K", "normalised entropy", f4(indices.E_normalized)])
        idx.append(["P", "normalised exposure", f4(indices.P)])
        idx.append(["R", "relative diversity", f4(indices.R)])
        idx.append(["C", "squared coefficient of variation", f4(indices.C)])
        idx.append(["Σ P²", "Simpson concentration", f4(indices.simpsonConcentration)])
        idx.append(["1 − Σ P²", "Simpson interaction (diversity)", f4(indices.simpsonInteraction)])
        out += "Multigroup indices (0 = every unit mirrors the whole)\n" + idx.rendered() + "\n"

        if let t = twoGroup {
            var two = TextTable(["index", "value"])
            two.append(["Atkinson b = 0.1", f4(t.atkinson01)])
            two.append(["Atkinson b = 0.5", f4(t.atkinson05)])
            two.append(["Atkinson b = 0.9", f4(t.atkinson09)])
            two.append(["Hutchens square root", f4(t.hutchensSquareRoot)])
            two.append(["V (correlation ratio)", f4(t.V)])
            out += "Two-group indices (\(groups[0]) against \(groups[1]))\n" + two.rendered() + "\n"
        }

        var by = TextTable(["group", "D vs rest", "H vs rest", "isolation", "V"])
        for g in byGroup { by.append([g.name, f4(g.DVersusRest), f4(g.HVersusRest), f4(g.isolation), f4(g.V)]) }
        out += "Each group against all others\n" + by.rendered() + "\n"

        var exp = TextTable(["exposure of ↓ to →"] + groups)
        for (x, g) in groups.enumerated() { exp.append([g] + exposure[x].map { Format.fixed($0, 3) }) }
        out += "Exposure: the share of each column group in the unit of the average row-group student (diagonal = isolation)\n"
        out += exp.rendered() + "\n"

        var pairs = TextTable(["pair", "D"])
        for p in pairwiseD { pairs.append(["\(p.first) | \(p.second)", f4(p.D)]) }
        out += "Pairwise dissimilarity\n" + pairs.rendered() + "\n"

        if let w = within {
            let outerName = labels.withinColumn ?? "outer"
            var split = TextTable(["", "between \(outerName)s", "within \(outerName)s", "total", "share within"])
            split.append(["M", f4(w.mBetween), f4(w.mWithin), f4(w.mTotal), w.mTotal > 0 ? Format.percent(w.mWithin / w.mTotal) : "–"])
            split.append(["H", f4(w.hBetween), f4(w.hWithin), f4(w.hTotal), w.hTotal > 0 ? Format.percent(w.hWithin / w.hTotal) : "–"])
            out += "Between and within: segregation among \(labels.unitColumn) units, split by \(outerName)\n" + split.rendered() + "\n"

            var outer = TextTable([outerName, "students", "M", "H", "D", "entropy", "local seg."])
            for o in w.outer.sorted(by: { $0.H > $1.H }) {
                outer.append([o.id, Format.count(o.students), f4(o.M), f4(o.H), f4(o.D), f4(o.entropy), f4(o.localSegregation)])
            }
            out += "Each \(outerName): segregation among its own units, most segregated first (local seg. = how far its composition is from the whole)\n"
            out += outer.rendered() + "\n"
        }

        let ranked = units.indices.sorted { units[$0].measures.localSegregation > units[$1].measures.localSegregation }
        let shown = labels.unitLimit > 0 ? Array(ranked.prefix(labels.unitLimit)) : ranked
        var header = [labels.unitColumn, "students", "diversity", "entropy/ln K", "local seg.", "D vs ref"]
        if within != nil { header.append("D vs \(labels.withinColumn ?? "outer")") }
        var unitTable = TextTable(header)
        for i in shown {
            let u = units[i]
            var row = [u.id, Format.count(u.students), Format.fixed(u.measures.simpsonDiversity, 3),
                       Format.fixed(u.measures.entropyNormalized, 3), f4(u.measures.localSegregation),
                       Format.fixed(u.dissimilarityVsReference, 3)]
            if let d = u.dissimilarityVsOuter { row.append(Format.fixed(d, 3)) }
            unitTable.append(row)
        }
        out += shown.count == units.count
            ? "Units, most locally segregated first (diversity = 1 − Σ p², D vs ref = ½ Σ |p − reference|)\n"
            : "The \(shown.count) most locally segregated of \(Format.count(units.count)) units (all of them: --units 0 or --format json)\n"
        out += unitTable.rendered()

        if let b = baseline {
            var t = TextTable(["index", "observed", "expected by chance", "excess", "p-value"])
            for (name, s) in [("D", b.D), ("H", b.H), ("M", b.M)] {
                t.append([name, f4(s.observed), f4(s.expected), f4(s.excess), Format.pValue(s.pValue)])
            }
            let scope = within == nil ? "across all units" : "within each \(labels.withinColumn ?? "outer unit")"
            out += "\nRandom-assignment baseline: \(Format.count(b.draws)) random assignments \(scope), seed \(labels.seed)\n"
            out += t.rendered()
            out += "  Carrington–Troske D (0 = chance, 1 = complete separation): \(f4(b.carringtonTroskeD))\n"
        }
        if let b = bootstrap {
            var t = TextTable(["index", "estimate", "debiased", "std. error", "95% interval"])
            for (name, e) in [("D", b.D), ("H", b.H), ("M", b.M)] {
                t.append([name, f4(e.estimate), f4(e.debiased), f4(e.standardError), "\(f4(e.lower95)) – \(f4(e.upper95))"])
            }
            out += "\nBootstrap: \(Format.count(b.draws)) multinomial resamples, seed \(labels.seed)\n" + t.rendered()
            out += "  The interval is the 2.5–97.5 percentiles of the resamples, which share the index's upward\n"
            out += "  small-sample bias; debiased = 2 × estimate − mean of the resamples corrects for it.\n"
        }
        return out
    }
}
