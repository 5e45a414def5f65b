import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// The columns the schools page sorts by, for a dimension of this term.
    public func schoolsSortKeys(_ d: Diagnostic, dimension: Dimension) -> [String] {
        let groups = (d.dimensions.first(where: { $0.dimension == dimension }) ?? d.dimensions.first)?.groups ?? []
        return ["name", "students"] + groups + ["difference"] + ["H", "excess", "significant", "advanced"].prefix(d.hasClassrooms ? 4 : 0)
    }

    /// `raw` when the schools page has that column, else its default (`difference`).
    public func schoolsSortKey(_ raw: String?, _ d: Diagnostic, dimension: Dimension) -> String {
        guard let raw, schoolsSortKeys(d, dimension: dimension).contains(raw) else { return "difference" }
        return raw
    }

    /// Every school with its composition against the district, its classrooms against
    /// chance and its advanced participation, sortable by any column (links, no script).
    public func schools(_ d: Diagnostic, term: String, dimension: Dimension, sort: String, descending: Bool) -> HTML {
        let r = report(d, title: "Schools", term: term, current: .schools)
        guard let dim = d.dimensions.first(where: { $0.dimension == dimension }) ?? d.dimensions.first else {
            return r.page("<p>No dimension.</p>")
        }
        let comp = r.disclosure.composition(dim)
        let schools = dim.acrossSchools.schools
        let within = Dictionary(dim.withinSchools.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let advanced = Dictionary(dim.advanced.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let disclosure = r.disclosure
        struct Row { var id: String; var name: String; var cells: [String]; var keys: [Double] }
        let G = dim.groups.count
        var rows: [Row] = []
        for (i, s) in schools.enumerated() {
            let total = comp.schoolStudents[i] ?? 0
            var cells = [s.name, comp.schoolStudents[i].map(Format.count) ?? "suppressed"]
            var keys = [0.0, Double(comp.schoolStudents[i] ?? -1)]
            for k in 0..<G {
                if let n = comp.schools[i][k], total > 0 {
                    cells.append(r.share(Double(n) / Double(total)))
                    keys.append(Double(n) / Double(total))
                } else {
                    cells.append("suppressed")
                    keys.append(-1)
                }
            }
            if let index = disclosure.schoolIndex(dim, i) {
                cells.append(Format.fixed(index, 2)); keys.append(index)
            } else {
                cells.append("suppressed"); keys.append(-1)
            }
            if let w = within[s.id] {
                cells += [r.index(w.H, 3), r.index(w.excessH, 3), w.significant ? "yes" : "no"]
                keys += [w.H, w.excessH, w.significant ? 1 : 0]
            } else {
                cells += ["–", "–", "–"]
                keys += [-1, -1, -1]
            }
            let a = advanced[s.id].map { groups -> (String, Double) in
                if groups.groups.reduce(0, { $0 + $1.eligible }) == 0 { return ("–", -1) }
                // Shown only with every group's counts (it is their sum over their sum).
                guard let rate = disclosure.overall(dim, school: s.id) else { return ("suppressed", -1) }
                return (r.share(rate), rate)
            } ?? ("–", -1)
            cells.append(a.0); keys.append(a.1)
            rows.append(Row(id: s.id, name: s.name, cells: cells, keys: keys))
        }
        // A term of school counts has no classroom or course columns.
        let extra = d.hasClassrooms ? 4 : 0
        if extra == 0 { rows = rows.map { Row(id: $0.id, name: $0.name, cells: Array($0.cells.dropLast(4)), keys: Array($0.keys.dropLast(4))) } }
        let header = ["School", "Students"] + dim.groups.map(Dimension.label) + ["½Σ|p − P| vs district"]
            + ["Classroom H", "H beyond chance", "Beyond chance", "In an advanced course"].prefix(extra)
        let sortKeys = schoolsSortKeys(d, dimension: dim.dimension)
        let column = sortKeys.firstIndex(of: sort) ?? (G + 2)
        rows.sort { a, b in
            if column == 0 { return descending ? a.name > b.name : a.name < b.name }
            return descending ? a.keys[column] > b.keys[column] : a.keys[column] < b.keys[column]
        }
        var h: HTML = "<h1>Schools — \(dim.dimension.title)</h1>"
        h += "<p class=\"note\">\(Format.count(d.students)) students in \(schools.count) schools, term \(d.termTitle). Shares of each school's students; ½Σ|p − P| is how far the school's mix is from the district's (0 = the same, 1 = nothing in common); classroom H against random assignment within the school.</p>"
        h += "<p class=\"note\">Dimension: " + d.dimensions.map { x in
            x.dimension == dim.dimension ? "<b>\(x.dimension.title)</b>"
                : "<a href=\"?dimension=\(x.dimension.rawValue)&amp;sort=\(urlEscape(sort))\((descending ? "&amp;order=desc" : "") as HTML)\">\(x.dimension.title)</a>"
        }.joined(separator: " · ") + "</p>"
        // The columns that matter first on a phone: the school, how far it is from the
        // district, its size, then the groups the district has (none of a group: no column).
        let groupColumns = (0..<G).filter { dim.counts[$0] > 0 }.map { $0 + 2 }
        let order = [0, G + 2, 1] + groupColumns + Array((G + 3)..<header.count)
        h += "\(scrollRegion)<table><caption>Schools by \(column == 0 ? "name" : header[column])\(descending ? ", highest first" : "")</caption><thead><tr>"
        for i in order {
            let title = header[i]
            let next = i == column ? !descending : (i != 0)
            let arrow = i == column ? (descending ? " ▼" : " ▲") : ""
            h += "<th scope=\"col\"\((i == 0 ? "" : " class=\"n\"") as HTML)\((i == column ? " aria-sort=\"\(descending ? "descending" : "ascending")\"" : "") as HTML)><a href=\"?dimension=\(dim.dimension.rawValue)&amp;sort=\(urlEscape(sortKeys[i]))&amp;order=\(next ? "desc" : "asc")\">\(title)\(arrow)</a></th>"
        }
        h += "</tr></thead><tbody>"
        var district = ["District", comp.districtStudents.map(Format.count) ?? "suppressed"]
        for k in 0..<G {
            district.append(comp.district[k].flatMap { n in comp.districtStudents.map { r.share(Double(n) / Double(max(1, $0))) } } ?? "suppressed")
        }
        district.append("\(r.index(dim.acrossSchools.D, 2)) (D)")
        if extra > 0 { district += [r.index(dim.withinSchools.hWithin, 3), "", "", disclosure.overall(dim, school: nil).map(r.share) ?? "suppressed"] }
        h += "<tr><th scope=\"row\">District</th>" + order.dropFirst().map { "<td class=\"n\">\(district[$0])</td>" as HTML }.joined() + "</tr>"
        for row in rows {
            h += "<tr><th scope=\"row\"><a href=\"\(termBase(term))/schools/\(urlEscape(row.id))\">\(row.name)</a></th>" + order.dropFirst().map { "<td class=\"n\">\(row.cells[$0])</td>" as HTML }.joined() + "</tr>"
        }
        h += "</tbody></table></div>"
        return r.page(h)
    }
}
