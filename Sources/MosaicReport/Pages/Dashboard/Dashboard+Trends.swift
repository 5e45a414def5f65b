import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// Every indicator across terms, with the advanced-course participation by race,
    /// income and gender a leader can put on the front page, and each gap that widened
    /// since the term before called out.
    public func trends(_ terms: [(term: Term, diagnostic: Diagnostic)]) -> HTML {
        guard let last = terms.last else { return "" }
        let r = report(last.diagnostic, title: "Trends", term: nil, current: .trends)
        var h: HTML = "<h1>Trends across terms</h1><p class=\"note\">\(terms.count) terms of \(site.name), oldest first.</p>"
        if site.synthetic { h += "<p class=\"synthetic\"><b>Synthetic data.</b> An invented district for demonstration: school compositions drawn from real NYC schools, students, classes and years invented.</p>" }
        let classrooms = terms.contains { $0.diagnostic.hasClassrooms }
        // Schools against the district: D for every dimension, term by term.
        let dimensions = Dimension.allCases.filter { d in terms.contains { $0.diagnostic.dimensions.contains { $0.dimension == d } } }
        let lines = dimensions.map { d in
            (label: d.title, values: terms.map { t in t.diagnostic.dimensions.first { $0.dimension == d }.map { r.disclosure.aggregate($0.acrossSchools.D) } })
        }
        h += "<section id=\"schools\"><h2>Do schools reflect the district?</h2>"
        if terms.count >= 2 {
            let (t0, t1) = (terms[terms.count - 2], terms[terms.count - 1])
            for line in lines {
                guard let a = line.values[terms.count - 2], let b = line.values[terms.count - 1], abs(b - a) >= 0.01 else { continue }
                h += b > a
                    ? "<p class=\"widened\"><b>Schools drifted apart:</b> \(line.label), D = \(r.index(b, 3)) across schools in \(t1.term.title), up from \(r.index(a, 3)) in \(t0.term.title).</p>"
                    : "<p class=\"narrowed\"><b>Schools came closer:</b> \(line.label), D = \(r.index(b, 3)) across schools in \(t1.term.title), down from \(r.index(a, 3)) in \(t0.term.title).</p>"
            }
        }
        if terms.count >= 2 { h += changeSplit(terms[terms.count - 2], terms[terms.count - 1], r) }
        h += termChart(terms.map(\.term), id: "trend-D", title: "Dissimilarity D across schools, by dimension, term by term",
                       desc: "D is the share of students who would have to change schools for every school to have the district's mix (0 = every school alike, 1 = complete separation). One line per dimension.",
                       lines: lines, format: { Format.fixed($0, 2) })
        h += "</section>"
        if !classrooms {
            h += "<p class=\"note\">These terms hold school-level counts only: classrooms and advanced coursework are not measured here.</p>"
        }
        // Front page: advanced participation by race, income, gender.
        for dimension in [Dimension.race, .economic, .gender] where classrooms {
            let series = terms.compactMap { t in t.diagnostic.dimensions.first { $0.dimension == dimension }.map { (t.term, $0) } }
            let disclosed = terms.compactMap { t in
                t.diagnostic.dimensions.first { $0.dimension == dimension }.map { (t.term, $0, disclosure(t.diagnostic)) }
            }
            guard let latest = series.last?.1 else { continue }
            h += "<section id=\"\(dimension.rawValue)\"><h2>Advanced courses by \(dimension.title.lowercased())</h2>"
            h += callouts(disclosed)
            h += lineChart(disclosed, dimension: dimension, groups: latest.groups, r)
            h += "</section>"
        }
        // Open honors and enrichment: shares of groups term by term, by race and by income.
        if terms.contains(where: { $0.diagnostic.openHonors != nil }) {
            h += participationTrend(terms, id: "open-honors", heading: "Open honors: who takes honors credit",
                                    note: "Of the students in open-honors classes, the share holding honors credit on the term's last day (the open-honors ledger). A gap in a line is a term without open-honors classes or a rate the suppression policy hides.",
                                    title: "Open honors by", desc: "The share of each group's students in open-honors classes who hold honors credit on the term's last day.",
                                    programme: .openHonors)
        }
        if terms.contains(where: { $0.diagnostic.enrichment != nil }) {
            h += participationTrend(terms, id: "enrichment", heading: "Enrichment: who takes part this year",
                                    note: "The share of each group's students placed in an enrichment cluster by the school year's rounds so far (schools set their goals, for example 40 % of students a year). A gap is a term without a round or a rate the suppression policy hides.",
                                    title: "Enrichment by", desc: "The share of each group's students placed in an enrichment cluster this school year.",
                                    programme: .enrichment)
        }
        // Every indicator, every dimension.
        var rows: [[String]] = []
        for dimension in Dimension.allCases {
            for (t, d) in terms {
                guard let dim = d.dimensions.first(where: { $0.dimension == dimension }) else { continue }
                let disclosure = disclosure(d)
                let gaps = disclosure.shown(dim, school: nil).map(\.gapToHighestPP)
                let largest = gaps.contains(where: { $0 == nil }) ? "suppressed" : Format.fixed(gaps.compactMap { $0 }.max() ?? 0, 1)
                rows.append([dimension.title, t.title, r.index(dim.acrossSchools.D, 3), r.index(dim.acrossSchools.H, 3),
                             r.index(dim.withinSchools.hWithin, 3), "\(dim.withinSchools.schools.filter(\.significant).count) of \(dim.withinSchools.schools.count)",
                             disclosure.overall(dim, school: nil).map(r.share) ?? "suppressed", largest])
            }
        }
        let header = ["dimension", "term", "D across schools", "H across schools", "H within schools", "schools beyond chance", "in an advanced course", "largest gap (pp)"]
        let table = classrooms
            ? DataTable(caption: "Every indicator by term", header: header, rows: rows, numeric: [2, 3, 4, 5, 6, 7])
            : DataTable(caption: "Every indicator by term", header: Array(header.prefix(4)) + ["district vs reference"],
                        rows: zip(rows, Dimension.allCases.flatMap { dimension in
                            terms.compactMap { t in t.diagnostic.dimensions.first { $0.dimension == dimension } }
                        }).map { Array($0.0.prefix(4)) + [$0.1.districtVsReference == nil ? "–" : (r.disclosure.districtVsReference($0.1).map { r.index($0, 3) } ?? "suppressed")] },
                        numeric: [2, 3, 4])
        h += "<section><h2>All indicators</h2>\(scrollRegion)\(table.html)</div></section>"
        return r.page(h)
    }

    /// A section of term-by-term shares (`count` gives a group's numerator and denominator
    /// in a term), by race and by income, each point through the suppression policy's
    /// rate rule and share codes.
    func participationTrend(_ terms: [(term: Term, diagnostic: Diagnostic)], id: String, heading: String, note: String, title: String, desc: String,
                            programme: Programme) -> HTML {
        var h: HTML = "<section id=\"\(id)\"><h2>\(heading)</h2><p class=\"note\">\(note)</p>"
        for dimension in [Dimension.race, .economic] {
            let (groups, series) = participation(terms, programme, dimension)
            let lines = groups.enumerated().filter { $0.element != "unknown" }.map { k, g in
                (label: Dimension.label(g), values: series.cells.map { $0[k] })
            }.filter { $0.values.contains { $0 != nil } }
            guard !lines.isEmpty else { continue }
            h += termChart(terms.map(\.term), id: "trend-\(id)-\(dimension.rawValue)", title: "\(title) \(dimension.title.lowercased()), term by term",
                           desc: desc, lines: lines, format: { Format.percent($0, digits: 0) })
        }
        return h + "</section>"
    }

    /// A programme whose participation the diagnostic counts district-wide each term.
    public enum Programme: Sendable { case openHonors, enrichment }

    /// A programme's participation by `dimension`'s groups (`unknown` last), term by term,
    /// as this dashboard's audience may see it (``ParticipationDisclosure``: the rate rule,
    /// hidden complements, no small change between two terms shown). Every dimension's
    /// groups split the same students, so all are decided together; the trends page and
    /// the plan's measures read the same decision.
    public func participation(_ terms: [(term: Term, diagnostic: Diagnostic)], _ programme: Programme, _ dimension: Dimension)
        -> (groups: [String], series: SuppressionPolicy.ShownSeries) {
        func counts(_ d: Diagnostic) -> (total: SuppressionPolicy.RateCount, groups: [String: [String: SuppressionPolicy.RateCount]])? {
            switch programme {
            case .openHonors: d.openHonors.map { ((  $0.total.optedIn, $0.total.enrolled), $0.groups.mapValues { $0.mapValues { ($0.optedIn, $0.enrolled) } }) }
            case .enrichment: d.enrichment.map { (($0.total.placed, $0.total.students), $0.groups.mapValues { $0.mapValues { ($0.placed, $0.students) } }) }
            }
        }
        let read = terms.map { counts($0.diagnostic) }
        let splits = ParticipationDisclosure.splits(points: terms.count) { t, d, g in read[t]?.groups[d.rawValue]?[g] }
        let index = splits.firstIndex { $0.dimension == dimension } ?? 0
        let disclosure = ParticipationDisclosure(policy: audience.seesEverything ? nil : policy)
        let decided = disclosure.series(splits.map(\.rows), totals: read.map { $0?.total ?? (0, 0) })
        return (splits[index].groups, decided[index])
    }

    /// A line per series over the terms, values formatted by `format`; a missing value
    /// leaves a gap. Every line is labelled at its end, and the data table follows.
    func termChart(_ terms: [Term], id: String, title: String, desc: String, lines: [(label: String, values: [Double?])],
                   format: (Double) -> String) -> HTML {
        let left = 60, width = 540, top = 34, height = 200
        let labelRoom = max(150, 30 + 7 * (lines.map(\.label.count).max() ?? 0))
        let maxValue = max(0.05, lines.flatMap { $0.values.compactMap { $0 } }.max() ?? 0.05) * 1.1
        func x(_ i: Int) -> Double { Double(left) + (terms.count > 1 ? Double(width) * Double(i) / Double(terms.count - 1) : Double(width) / 2) }
        func y(_ v: Double) -> Double { Double(top) + Double(height) * (1 - v / maxValue) }
        var svg = svgOpening(id: id, width: left + width + labelRoom, height: top + height + 40, title: title, desc: desc)
        for k in 0...4 {
            let tick = maxValue * Double(k) / 4
            svg += "<line x1=\"\(left)\" x2=\"\(left + width)\" y1=\"\(fmt(y(tick)))\" y2=\"\(fmt(y(tick)))\" stroke=\"#e3e3e3\"/><text x=\"\(left - 6)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\">\(format(tick))</text>"
        }
        for (i, t) in terms.enumerated() {
            let short = t.title.components(separatedBy: " (").first ?? t.title
            svg += "<text x=\"\(fmt(x(i)))\" y=\"\(top + height + 18)\" text-anchor=\"middle\">\(String(short.prefix(16)))</text>"
        }
        var ends: [(y: Double, label: String, colour: String)] = []
        for (k, line) in lines.enumerated() {
            let colour = palette[k % palette.count]
            let points = line.values.enumerated().compactMap { i, v in v.map { (x(i), y($0), $0, i) } }
            for p in points {
                svg += "<circle cx=\"\(fmt(p.0))\" cy=\"\(fmt(p.1))\" r=\"3.5\" fill=\"\(colour)\"><title>\(line.label), \(terms[p.3].title): \(format(p.2))</title></circle>"
            }
            if points.count > 1 { svg += "<polyline points=\"\(points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>" }
            if let last = points.last { ends.append((last.1 + 4, line.label, colour)) }
        }
        ends.sort { $0.y < $1.y }
        for i in ends.indices.dropFirst() where ends[i].y < ends[i - 1].y + 13 { ends[i].y = ends[i - 1].y + 13 }
        for e in ends { svg += "<rect x=\"\(left + width + 6)\" y=\"\(fmt(e.y - 8))\" width=\"8\" height=\"8\" fill=\"\(e.colour)\"/><text x=\"\(left + width + 18)\" y=\"\(fmt(e.y))\">\(e.label)</text>" }
        svg += "</svg>"
        let table = DataTable(caption: title, header: [""] + terms.map(\.title),
                              rows: lines.map { [$0.label] + $0.values.map { $0.map(format) ?? "–" } }, numeric: Set(1...max(1, terms.count)))
        return "<figure>\(svg)<details><summary>Data table</summary>\(table.scrolled)</details></figure>"
    }

    /// A callout for each group whose gap to the highest group changed since the term before,
    /// with the group's own rate and the highest group's, both terms: a gap that narrows
    /// because the highest group fell is not called progress (issue 22).
    func callouts(_ series: [(Term, DimensionResult, DiagnosticDisclosure)]) -> HTML {
        guard series.count >= 2 else { return "" }
        let (t0, before, d0) = series[series.count - 2], (t1, now, d1) = series[series.count - 1]
        let shown0 = d0.shown(before, school: nil), shownNow = d1.shown(now, school: nil)
        let shownBefore = Dictionary(zip(before.advanced.groups.map(\.group), shown0), uniquingKeysWith: { a, _ in a })
        /// The highest shown rate of a term and its group.
        func top(_ groups: [Advanced.Group], _ shown: [DiagnosticDisclosure.Shown]) -> (String, Double)? {
            zip(groups, shown).compactMap { g, x in x.rate.map { (g.group, $0) } }.max { $0.1 < $1.1 }
        }
        let top0 = top(before.advanced.groups, shown0), top1 = top(now.advanced.groups, shownNow)
        var h: HTML = ""
        for (g, shown) in zip(now.advanced.groups, shownNow) {
            // Only gaps and rates the policy shows in both terms.
            guard g.eligible > 0, let gap = shown.gapToHighestPP, let old = shownBefore[g.group]?.gapToHighestPP,
                  let rate = shown.rate, let oldRate = shownBefore[g.group]?.rate else { continue }
            let change = gap - old
            guard abs(change) >= 1 else { continue }
            let label = Dimension.label(g.group)
            let own = "\(label): \(Format.percent(oldRate)) in \(t0.title) → \(Format.percent(rate)) in \(t1.title) (\(rate >= oldRate ? "+" : "−")\(Format.fixed(abs(rate - oldRate) * 100, 1)) points)"
            let highest = top0.flatMap { a in top1.map { b in "; the highest group, \(Dimension.label(a.0)) \(Format.percent(a.1)) → \(Dimension.label(b.0)) \(Format.percent(b.1))" } } ?? ""
            if change > 0 {
                h += "<p class=\"widened\"><b>Gap widened by \(Format.fixed(change, 1)) points:</b> \(own)\(highest).</p>"
            } else if 100 * (rate - oldRate) >= -change / 2 {
                // At least half of the closing is the group's own gain.
                h += "<p class=\"narrowed\"><b>Gap narrowed by \(Format.fixed(-change, 1)) points:</b> \(own)\(highest).</p>"
            } else if rate > oldRate {
                h += "<p class=\"widened\"><b>Gap narrower by \(Format.fixed(-change, 1)) points, mostly because the highest group's rate fell:</b> \(own)\(highest).</p>"
            } else {
                // Narrower only because the highest group fell: not progress for this group.
                h += "<p class=\"widened\"><b>Gap narrower by \(Format.fixed(-change, 1)) points, but not by this group's progress:</b> \(own)\(highest).</p>"
            }
        }
        return h
    }

    /// Why M across schools changed since the term before, dimension by dimension: the
    /// composition of the district against sorting (``DiagnosticChange``, Elbers 2021).
    func changeSplit(_ t0: (term: Term, diagnostic: Diagnostic), _ t1: (term: Term, diagnostic: Diagnostic), _ r: HTMLReport) -> HTML {
        let change = DiagnosticChange(from: t0.diagnostic, to: t1.diagnostic)
        let rows = change.dimensions.map { c -> [String] in
            let a = c.acrossSchools
            return [c.dimension.title, r.index(a.M1, 4), r.index(a.M2, 4), r.index(a.difference, 4),
                    r.index(a.composition + a.additions + a.removals, 4), r.index(a.structural, 4)]
        }
        guard !rows.isEmpty else { return "" }
        let table = DataTable(caption: "Why segregation across schools (M) changed from \(t0.term.title) to \(t1.term.title)",
                              header: ["dimension", "M before", "M now", "change", "of which composition (who the students are, school sizes, schools opened or closed)", "of which sorting"],
                              rows: rows, numeric: [1, 2, 3, 4, 5])
        return "<p class=\"note\">A change in segregation comes from who the district's students are and how large its schools are (composition), or from how students are sorted among the schools (sorting): the Shapley split of Elbers (2021).</p>\(table.scrolled)"
    }

    func lineChart(_ series: [(Term, DimensionResult, DiagnosticDisclosure)], dimension: Dimension, groups: [String], _ r: HTMLReport) -> HTML {
        let left = 70, width = 540, top = 34, height = 220
        // Room on the right for the longest line-end label at 12 px.
        let labelRoom = max(150, 30 + 7 * (groups.map { Dimension.label($0).count }.max() ?? 0))
        var svg = svgOpening(id: "trend-\(dimension.rawValue)", width: left + width + labelRoom, height: top + height + 40,
                             title: "Share of students in an advanced course, by \(dimension.title.lowercased()), term by term",
                             desc: "One line per group: the share of its eligible students enrolled in at least one advanced course in each term. Suppressed values are left out of the line.")
        // The axis is scaled to the rates shown: a hidden group's rate must not set it.
        let maxRate = max(0.1, series.flatMap { $0.2.shown($0.1, school: nil).compactMap(\.rate) }.max() ?? 0.1)
        func x(_ i: Int) -> Double { Double(left) + (series.count > 1 ? Double(width) * Double(i) / Double(series.count - 1) : Double(width) / 2) }
        func y(_ v: Double) -> Double { Double(top) + Double(height) * (1 - v / maxRate) }
        for tick in stride(from: 0.0, through: maxRate, by: maxRate / 4) {
            svg += "<line x1=\"\(left)\" x2=\"\(left + width)\" y1=\"\(fmt(y(tick)))\" y2=\"\(fmt(y(tick)))\" stroke=\"#e3e3e3\"/><text x=\"\(left - 6)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\">\(Format.percent(tick))</text>"
        }
        for (i, (t, _, _)) in series.enumerated() {
            let short = t.title.components(separatedBy: " (").first ?? t.title
            svg += "<text x=\"\(fmt(x(i)))\" y=\"\(top + height + 18)\" text-anchor=\"middle\">\(String(short.prefix(16)))</text>"
        }
        var rows: [[String]] = []
        var ends: [(y: Double, label: String, colour: String)] = []
        for g in groups {
            var points: [String] = []
            var row = [Dimension.label(g)]
            for (i, (_, dim, disclosure)) in series.enumerated() {
                guard let k = dim.advanced.groups.firstIndex(where: { $0.group == g }), dim.advanced.groups[k].eligible > 0,
                      disclosure.shown(dim, school: nil)[k].rate != nil else { row.append("suppressed"); continue }
                let v = dim.advanced.groups[k]
                points.append("\(fmt(x(i))),\(fmt(y(v.rate)))")
                svg += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(v.rate)))\" r=\"3.5\" fill=\"\(GroupColour.of(g))\"><title>\(Dimension.label(g)): \(r.share(v.rate))</title></circle>"
                row.append(r.share(v.rate))
            }
            if points.count > 1 { svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(GroupColour.of(g))\" stroke-width=\"2\"/>" }
            if let lastPoint = points.last, let yy = lastPoint.split(separator: ",").last.flatMap({ Double($0) }) {
                ends.append((yy + 4, Dimension.label(g), GroupColour.of(g)))
            }
            rows.append(row)
        }
        // Line-end labels, pushed apart so that none overlaps the next.
        ends.sort { $0.y < $1.y }
        for i in ends.indices.dropFirst() where ends[i].y < ends[i - 1].y + 13 { ends[i].y = ends[i - 1].y + 13 }
        for e in ends { svg += "<rect x=\"\(left + width + 6)\" y=\"\(fmt(e.y - 8))\" width=\"8\" height=\"8\" fill=\"\(e.colour)\"/><text x=\"\(left + width + 18)\" y=\"\(fmt(e.y))\">\(e.label)</text>" }
        svg += "</svg>"
        let table = DataTable(caption: "Advanced participation by \(dimension.title.lowercased()) and term", header: ["group"] + series.map(\.0.title), rows: rows, numeric: Set(1...max(1, series.count)))
        return "<figure>\(svg)<details><summary>Data table</summary>\(table.scrolled)</details></figure>"
    }
}
