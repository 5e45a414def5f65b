/// The students' interest survey for an enrichment round, in their language: the code
/// their school gave them and the clusters they would most like to join, in order.
extension FamilyPages {
    public func surveyForm(round: String, clusters: [School], choices: Int, csrf: String, problems messages: [String] = [],
                           chosen: [String] = [], open: Bool = true) -> HTML {
        var body: HTML = "<h1>\(t("survey.title", round))</h1>"
        guard open else { return page(t("survey.title", round), body + "<p>\(t("survey.closed"))</p>") }
        body += "<p>\(t("survey.intro"))</p>" + problems(messages)
        body += "<form method=\"post\" action=\"\(path)\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
        body += "<fieldset><legend>\(t("survey.who"))</legend>"
        body += "<label for=\"student\">\(t("survey.student"))</label><input id=\"student\" name=\"student\" autocomplete=\"off\" required>"
        body += "<label for=\"code\">\(t("survey.code"))</label><input id=\"code\" name=\"code\" autocomplete=\"off\" required></fieldset>"
        body += "<fieldset><legend>\(t("survey.choices"))</legend>"
        for k in 0..<min(choices, clusters.count) {
            body += select("choice\(k + 1)", t("apply.choice", "\(k + 1)"), clusters, selected: k < chosen.count ? chosen[k] : nil, none: true)
        }
        body += "</fieldset><button type=\"submit\">\(t("survey.submit"))</button></form>"
        return page(t("survey.title", round), body)
    }

    public func surveySent(round: String, chosen: [String]) -> HTML {
        page(t("survey.sent.title"), "<h1>\(t("survey.sent.title"))</h1><p>\(t("survey.sent.body", round))</p><ol>"
             + chosen.map { "<li>\($0)</li>" }.joined() + "</ol><p>\(t("survey.sent.change"))</p>")
    }
}
