import Foundation
import MosaicCore
import MosaicDiagnostic

/// A plan measure read term by term: the indicator's value in each term, as the viewer's
/// policy lets it be shown.
public struct MeasureReading: Sendable, Equatable {
    public var term: String
    public var termTitle: String
    /// Nil when the term does not have the indicator (or its value is hidden: `suppressed`).
    public var value: Double?
    public var suppressed: Bool
}

extension Dashboard {
    /// The values of an indicator in each term, through the suppression policy: a value
    /// resting on a rate or a count the policy hides is hidden too.
    public func readings(_ indicator: Indicator, _ series: [(term: Term, diagnostic: Diagnostic)]) -> [MeasureReading] {
        // Open honors and enrichment by group: the trends page's decision, term by term.
        let programme: (groups: [String], series: SuppressionPolicy.ShownSeries)? = switch indicator.kind {
        case .openHonorsRate: participation(series, .openHonors, indicator.dimension)
        case .enrichmentRate: participation(series, .enrichment, indicator.dimension)
        default: nil
        }
        return series.enumerated().map { i, x in
            let (t, d) = x
            guard let r = indicator.reading(in: d) else { return MeasureReading(term: t.id, termTitle: t.title, value: nil, suppressed: false) }
            var hidden = r.rates.contains { policy.suppressesRate($0.numerator, of: $0.denominator) } || r.counts.contains { policy.suppresses($0) }
            if let programme, !audience.seesEverything {
                hidden = indicator.group.flatMap { programme.groups.firstIndex(of: $0) }.map { programme.series.cells[i][$0] == nil } ?? true
            }
            // Representation, gaps and missing students combine groups: shown only where
            // the advanced tables show them (AdvancedDisclosure).
            let disclosure = disclosure(d)
            if !hidden, let dim = d.dimensions.first(where: { $0.dimension == indicator.dimension }),
               let k = dim.advanced.groups.firstIndex(where: { $0.group == indicator.group }) {
                let shown = disclosure.shown(dim, school: nil)[k]
                switch indicator.kind {
                case .advancedRate: hidden = shown.rate == nil
                case .representation: hidden = shown.representationIndex == nil
                case .advancedGap: hidden = shown.gapToHighestPP == nil
                case .advancedMissing: hidden = shown.missing == nil
                default: break
                }
            }
            let value = [.schoolsD, .classroomsH].contains(indicator.kind) ? disclosure.aggregate(r.value) : r.value
            return MeasureReading(term: t.id, termTitle: t.title, value: hidden ? nil : value, suppressed: hidden)
        }
    }

    /// An indicator's value as a reader reads it: rates as percentages, gaps in points,
    /// representation with two decimals, indices with three, students as whole numbers.
    public func formatted(_ indicator: Indicator, _ value: Double) -> String {
        switch indicator.kind {
        case .advancedRate, .openHonorsRate, .enrichmentRate: policy.code(share: value) ?? Format.percent(value)
        case .advancedGap: "\(Format.fixed(value, 1)) pp"
        case .representation: Format.fixed(value, 2)
        case .advancedMissing: Format.fixed(value, 0)
        case .schoolsD, .classroomsH: Format.fixed(value, 3)
        }
    }

    /// What the editor of a plan needs: the session's CSRF token, a message after a
    /// refused form, and the indicators a measure may follow.
    public struct PlanEditor: Sendable {
        public var csrf: String
        public var message: String?
        public var indicators: [Indicator]

        public init(csrf: String, message: String? = nil, indicators: [Indicator]) {
            self.csrf = csrf
            self.message = message
            self.indicators = indicators
        }
    }

    /// The district's action plan: per root cause it chose, its actions (the guidebook's
    /// or its own), across or within schools, owner, timeline, status, what each group of
    /// stakeholders said, its notes on the four planning steps, and a measure read live
    /// from every term's diagnostic against its target. The district's staff get the forms
    /// that add, change and remove items.
    public func plan(_ items: [PlanItem], guidebook: Guidebook, series: [(term: Term, diagnostic: Diagnostic)], editor: PlanEditor?) -> HTML {
        guard let latest = series.last else { return Dashboard.standalone(title: "Action plan — Mosaic", body: "<p>No term yet.</p>") }
        var r = report(latest.diagnostic, title: "Action plan", term: nil, current: .plan)
        r.navigation = navigation(term: nil, current: .plan)
        var h: HTML = "<h1>Action plan</h1>"
        h += "<p class=\"note\">What \(site.name) will do about the root causes its diagnostic found, following the Alliance for Resource Equity guidebook “Diverse Classrooms &amp; Schools”. Each measure is read from every term's diagnostic as it is imported; the latest term is \(latest.term.title).</p>"
        if site.synthetic { h += "<p class=\"synthetic\"><b>Synthetic district.</b> Its plan is an example written for the demonstration; the measures are read from its invented terms.</p>" }
        if let message = editor?.message { h += "<p class=\"widened\" role=\"alert\">\(message)</p>" }
        if !guidebook.planSteps.isEmpty {
            h += "<details><summary>The four planning steps</summary><ol>" + guidebook.planSteps.map { "<li><b>\(PlanItem.words($0.id))</b>: \($0.summary)</li>" }.joined() + "</ol></details>"
        }
        // Where the latest diagnostic points: findings per root cause.
        h += "<section><h2>What the diagnostic found (\(latest.term.title))</h2><ul>"
        for cause in guidebook.rootCauses where cause.id != "other" {
            let n = latest.diagnostic.findings.filter { $0.level.rootCause == cause.id }.count
            let chosen = items.filter { $0.rootCause == cause.id }.count
            h += "<li><b>\(PlanItem.words(cause.id))</b> (\(PlanItem.words(cause.scope).lowercased())): \(n) finding\(n == 1 ? "" : "s") · \(chosen) action\(chosen == 1 ? "" : "s") in the plan. <span class=\"note\">\(cause.summary)</span></li>"
        }
        h += "</ul><p><a href=\"\(termBase(latest.term.id))\">Read the findings</a></p></section>"
        if items.isEmpty { h += "<p>No action in the plan yet.</p>" }
        for cause in guidebook.rootCauses {
            let mine = items.filter { $0.rootCause == cause.id }
            guard !mine.isEmpty else { continue }
            h += "<section><h2>\(PlanItem.words(cause.id))</h2><p class=\"note\">\(cause.summary)</p>"
            for item in mine { h += planItem(item, guidebook: guidebook, series: series, editor: editor) }
            h += "</section>"
        }
        if let editor { h += "<section><h2>Add an action</h2>\(planForm(nil, guidebook: guidebook, editor: editor))</section>" }
        return r.page(h, css: Self.planCSS)
    }

    static let planCSS: HTML = """
        .plan-item{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem;margin:1rem 0}
        .plan-item h3{margin:.2rem 0}.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.85rem;background:#eef2f7}
        .badge.done{background:#d9f2e6}.badge.inProgress{background:#fff3cd}.badge.onHold{background:#f4dcdc}
        .met{color:#006b4f;font-weight:600}.unmet{color:#a34700;font-weight:600}
        dl.plan{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.2rem 1rem;margin:.4rem 0}dl.plan dt{font-weight:600}dl.plan dd{margin:0;white-space:pre-wrap}
        form.plan label{display:block;margin:.4rem 0}form.plan input,form.plan select,form.plan textarea{font:inherit;width:min(40rem,100%);padding:.3rem}
        form.plan textarea{min-height:3.2rem}form.plan fieldset{border:1px solid #ddd;border-radius:6px;margin:.6rem 0}
        @media (max-width:640px){dl.plan{grid-template-columns:1fr}}
        """

    func planItem(_ item: PlanItem, guidebook: Guidebook, series: [(term: Term, diagnostic: Diagnostic)], editor: PlanEditor?) -> HTML {
        let action = item.action.flatMap(guidebook.action)
        var h: HTML = "<article class=\"plan-item\" id=\"item-\(item.id)\"><h3>\(item.name(in: guidebook)) <span class=\"badge \(item.status.rawValue)\">\(item.status.label)</span></h3>"
        h += "<p class=\"note\">\(item.scope.label) · owner: \(item.owner) · \(item.timeline.label)\(action == nil ? " · the district's own action" : "")\(action?.tool.map { " · Mosaic tool: \($0)" } ?? "")</p>"
        if let action { h += "<p><i>Guidebook:</i> \(action.summary)</p>" }
        if !item.detail.isEmpty { h += "<p>\(item.detail)</p>" }
        if let m = item.measure, let indicator = Indicator(m.indicator) {
            let values = readings(indicator, series)
            let last = values.last { $0.value != nil || $0.suppressed }
            h += "<p><b>Measure:</b> \(indicator.name); target \(indicator.kind.lowerIsBetter ? "at most" : "at least") \(formatted(indicator, m.target)) by \(m.by). "
            if let last, let v = last.value {
                let met = indicator.meets(v, target: m.target)
                h += "Now \(formatted(indicator, v)) (\(last.termTitle)): <span class=\"\(met ? "met" : "unmet")\">\(met ? "target met" : "not yet met")</span>."
            } else if last?.suppressed == true {
                h += "The latest value is suppressed (fewer than \(policy.minimumN) students)."
            } else {
                h += "No term has this indicator yet."
            }
            h += "</p>"
            let table = DataTable(caption: "\(indicator.name), term by term", header: ["term", "value", "target"],
                                  rows: values.map { [$0.termTitle, $0.value.map { formatted(indicator, $0) } ?? ($0.suppressed ? "suppressed" : "–"), formatted(indicator, m.target)] },
                                  numeric: [1, 2])
            h += "<figure>\(measureChart(indicator, values, target: m.target, id: item.id))<details><summary>Term by term</summary>\(table.scrolled)</details></figure>"
        }
        let notes = PlanItem.Stakeholder.allCases.compactMap { s in item.notes[s].flatMap { $0.isEmpty ? nil : (s.label, $0) } }
        let steps = PlanItem.Step.allCases.compactMap { s in item.steps[s].flatMap { $0.isEmpty ? nil : (s.label, $0) } }
        if !notes.isEmpty { h += "<h4>What stakeholders said</h4><dl class=\"plan\">" + notes.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl>" }
        if !steps.isEmpty { h += "<h4>Planning steps</h4><dl class=\"plan\">" + steps.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl>" }
        // Who changed it is for the district's staff; the public reads when.
        h += "<p class=\"note\">Updated \(Self.day(item.updatedAt))\(editor == nil ? "" : " by \(item.updatedBy)").</p>"
        if let editor {
            h += "<details><summary>Change this action</summary>\(planForm(item, guidebook: guidebook, editor: editor))"
            h += "<form method=\"post\" action=\"\(base)/plan/\(urlEscape(item.id))/delete\"><input type=\"hidden\" name=\"csrf\" value=\"\(editor.csrf)\">\(versionField(item))<button type=\"submit\">Remove from the plan</button></form></details>"
        }
        return h + "</article>"
    }

    /// A small line of the indicator term by term with its target as a dashed line; the
    /// terms whose value is hidden or missing leave a gap.
    func measureChart(_ indicator: Indicator, _ values: [MeasureReading], target: Double, id: String) -> HTML {
        let left = 56, width = 300, top = 26, height = 90
        let shown = values.compactMap(\.value)
        let low = min(0, (shown + [target]).min() ?? 0), high = max((shown + [target]).max() ?? 1, low + 1e-9) * 1.1
        func x(_ i: Int) -> Double { Double(left) + (values.count > 1 ? Double(width) * Double(i) / Double(values.count - 1) : Double(width) / 2) }
        func y(_ v: Double) -> Double { Double(top) + Double(height) * (1 - (v - low) / (high - low)) }
        var svg = svgOpening(id: "measure-\(id)", width: left + width + 90, height: top + height + 30,
                             title: indicator.name,
                             desc: "The indicator in each term, and the target (dashed). Suppressed terms are left out.")
        svg += "<line x1=\"\(left)\" x2=\"\(left + width)\" y1=\"\(fmt(y(target)))\" y2=\"\(fmt(y(target)))\" stroke=\"#009E73\" stroke-dasharray=\"5 4\"/>"
        svg += "<text x=\"\(left + width + 6)\" y=\"\(fmt(y(target) + 4))\">target \(formatted(indicator, target))</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(fmt(y(low) + 4))\" text-anchor=\"end\">\(formatted(indicator, low))</text>"
        var points: [String] = []
        for (i, v) in values.enumerated() {
            let short = v.termTitle.components(separatedBy: " (").first ?? v.termTitle
            svg += "<text x=\"\(fmt(x(i)))\" y=\"\(top + height + 22)\" text-anchor=\"middle\">\(String(short.prefix(12)))</text>"
            guard let value = v.value else { continue }
            points.append("\(fmt(x(i))),\(fmt(y(value)))")
            svg += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(value)))\" r=\"3.5\" fill=\"#0072B2\"><title>\(v.termTitle): \(formatted(indicator, value))</title></circle>"
        }
        if points.count > 1 { svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\"/>" }
        return svg + "</svg>"
    }

    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }

    /// The version a change or removal is made from: the store refuses it if the item has
    /// changed since the page was read.
    func versionField(_ item: PlanItem) -> HTML {
        "<input type=\"hidden\" name=\"version\" value=\"\(item.version ?? 1)\">"
    }

    /// The form that adds an action (no item) or changes one.
    func planForm(_ item: PlanItem?, guidebook: Guidebook, editor: PlanEditor) -> HTML {
        let target = item.map { "\(base)/plan/\(urlEscape($0.id))" } ?? "\(base)/plan"
        let chosen = item.map { $0.action.map { "action:\($0)" } ?? "custom:\($0.rootCause)" } ?? ""
        func selected(_ yes: Bool) -> HTML { yes ? " selected" : "" }
        var h: HTML = "<form class=\"plan\" method=\"post\" action=\"\(target)\"><input type=\"hidden\" name=\"csrf\" value=\"\(editor.csrf)\">\(item.map(versionField) ?? "")"
        h += "<label>Action<br><select name=\"action\" required>"
        for cause in guidebook.rootCauses {
            h += "<optgroup label=\"\(PlanItem.words(cause.id))\">"
            for a in guidebook.actions where a.rootCause == cause.id {
                h += "<option value=\"action:\(a.id)\"\(selected(chosen == "action:\(a.id)"))>\(PlanItem.words(a.id)): \(String(a.summary.prefix(90)))\(a.summary.count > 90 ? "…" : "")</option>"
            }
            h += "<option value=\"custom:\(cause.id)\"\(selected(chosen == "custom:\(cause.id)"))>The district's own action (\(PlanItem.words(cause.id).lowercased()))</option></optgroup>"
        }
        h += "</select></label>"
        h += "<label>Title (required for the district's own action)<br><input name=\"title\" maxlength=\"200\" value=\"\(item?.title ?? "")\"></label>"
        h += "<label>What the district will do<br><textarea name=\"detail\" maxlength=\"4000\">\(item?.detail ?? "")</textarea></label>"
        h += "<label>Where<br><select name=\"scope\">" + PlanItem.Scope.allCases.map { "<option value=\"\($0.rawValue)\"\(selected(item?.scope == $0))>\($0.label)</option>" }.joined() + "</select></label>"
        h += "<label>Owner<br><input name=\"owner\" required maxlength=\"200\" value=\"\(item?.owner ?? "")\"></label>"
        h += "<label>Timeline<br><select name=\"timeline\">" + PlanItem.Timeline.allCases.map { "<option value=\"\($0.rawValue)\"\(selected(item?.timeline == $0))>\($0.label)</option>" }.joined() + "</select></label>"
        h += "<label>Status<br><select name=\"status\">" + PlanItem.Status.allCases.map { "<option value=\"\($0.rawValue)\"\(selected(item?.status == $0))>\($0.label)</option>" }.joined() + "</select></label>"
        h += "<fieldset><legend>What stakeholders said</legend>" + PlanItem.Stakeholder.allCases.map {
            "<label>\($0.label)<br><textarea name=\"note_\($0.rawValue)\" maxlength=\"4000\">\(item?.notes[$0] ?? "")</textarea></label>"
        }.joined() + "</fieldset>"
        h += "<fieldset><legend>The four planning steps</legend>" + PlanItem.Step.allCases.map { s in
            let hint = guidebook.planSteps.first { $0.id == s.rawValue }?.summary ?? ""
            return "<label>\(s.label) <span class=\"note\">\(hint)</span><br><textarea name=\"step_\(s.rawValue)\" maxlength=\"4000\">\(item?.steps[s] ?? "")</textarea></label>"
        }.joined() + "</fieldset>"
        h += "<fieldset><legend>Measure</legend><label>Indicator<br><select name=\"indicator\"><option value=\"\">No measure yet</option>"
        h += editor.indicators.map { "<option value=\"\($0.key)\"\(selected(item?.measure?.indicator == $0.key))>\($0.name)</option>" }.joined() + "</select></label>"
        h += "<label>Target <span class=\"note\">(rates as percentages such as 30%, gaps in points, indices as decimals)</span><br><input name=\"target\" value=\"\(item?.measure.flatMap { m in Indicator(m.indicator).map { i in i.kind == .advancedRate ? "\(Format.fixed(m.target * 100, 1))%" : "\(m.target)" } } ?? "")\"></label>"
        h += "<label>By school year<br><input name=\"by\" placeholder=\"2027-28\" value=\"\(item?.measure?.by ?? "")\"></label></fieldset>"
        h += "<p><button type=\"submit\">\(item == nil ? "Add to the plan" : "Save")</button></p></form>"
        return h
    }
}
