import MosaicCore

extension Dashboard {
    /// One public-data district as the finder lists it.
    public struct FoundDistrict: Sendable {
        public var id: String
        public var name: String
        public var state: String
        public init(id: String, name: String, state: String) {
            self.id = id
            self.name = name
            self.state = state
        }
        /// The district's own address (it goes on to the latest term).
        public var path: String { "/districts/\(urlEscape(id))" }
    }

    static let finderCSS: HTML = """
        form.find{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.6rem 0}form.find label{display:flex;flex-direction:column;font-size:.9rem}
        form.find input,form.find select{font:inherit;padding:.35rem .5rem;min-width:14rem;max-width:100%}form.find button{font:inherit;padding:.35rem .9rem}
        ul.states{columns:12rem;padding-left:1.1rem;font-size:.92rem}ul.found{padding-left:1.1rem}ul.found li{margin:.15rem 0}
        """

    /// The search form (answers as you type where scripts run; a plain GET form otherwise).
    static func finderForm(states: [(state: String, districts: Int)], query: String, state: String?) -> HTML {
        var h: HTML = "<form class=\"find\" method=\"get\" action=\"/districts\" role=\"search\"><label>District name<input id=\"find-q\" name=\"q\" type=\"search\" value=\"\(query)\" autocomplete=\"off\" placeholder=\"e.g. Cobb County\" aria-describedby=\"find-status\"></label>"
        h += "<label>State<select id=\"find-state\" name=\"state\"><option value=\"\">Any state</option>"
        for s in states { h += "<option value=\"\(s.state)\"\((s.state == state ? " selected" : "") as HTML)>\(PublicHighSchool.stateName(s.state))</option>" }
        h += "</select></label><button type=\"submit\">Find</button></form>"
        return h
    }

    /// Every state, linked to its districts, with how many it has.
    static func stateList(_ states: [(state: String, districts: Int)]) -> HTML {
        var h: HTML = "<ul class=\"states\">"
        for s in states { h += "<li><a href=\"/districts?state=\(urlEscape(s.state))\">\(PublicHighSchool.stateName(s.state))</a> (\(Format.count(s.districts)))</li>" }
        return h + "</ul>"
    }

    /// The home page's way into every public-data district: search by name, browse by state.
    static func publicFinder(states: [(state: String, districts: Int)]) -> HTML {
        let total = states.reduce(0) { $0 + $1.districts }
        var h: HTML = "<section id=\"any-district\"><h2>Any US district, from public data</h2>"
        h += "<p>\(Format.count(total)) districts in \(states.count) states and DC, from the federal Civil Rights Data Collection 2015-16: each district's high schools against the district, the district against its state, and who takes AP. Find yours by name, or browse a state.</p>"
        h += finderForm(states: states, query: "", state: nil)
        h += "<p id=\"find-status\" class=\"note\" role=\"status\" aria-live=\"polite\"></p><ul id=\"find-results\" class=\"found\"></ul>"
        h += "<details><summary>Browse by state</summary>\(stateList(states))</details>"
        h += finderScript
        return h + "</section>"
    }

    /// Search as you type: asks `/districts/search.json` (at most one request in flight,
    /// the newest wins) and lists the answers as links; the form works without it.
    static let finderScript: HTML = """
        <script>(function(){var q=document.getElementById('find-q'),st=document.getElementById('find-state'),out=document.getElementById('find-results'),say=document.getElementById('find-status');if(!q||!window.fetch)return;var n=0,t=null;function run(){var v=q.value.trim(),s=st.value;if(v.length<2&&!s){out.innerHTML='';say.textContent='';return}var k=++n;fetch('/districts/search.json?q='+encodeURIComponent(v)+'&state='+encodeURIComponent(s)).then(function(r){return r.json()}).then(function(j){if(k!==n)return;out.innerHTML='';j.districts.forEach(function(d){var li=document.createElement('li'),a=document.createElement('a');a.href=d.path;a.textContent=d.name;li.appendChild(a);out.appendChild(li)});say.textContent=j.districts.length===0?'No district matches.':(j.more?'The first '+j.districts.length+' districts that match; type more to narrow.':j.districts.length+' district'+(j.districts.length===1?'':'s')+' match.')}).catch(function(){})}function later(){clearTimeout(t);t=setTimeout(run,120)}q.addEventListener('input',later);st.addEventListener('change',later)})();</script>
        """

    /// The finder's page (`/districts?q=…&state=…`): the form again and what matches, or a
    /// state's every district.
    public static func districtFinder(states: [(state: String, districts: Int)], query: String, state: String?, found: [FoundDistrict],
                                      more: Bool, viewer: String, account: HTML = "") -> HTML {
        var h = SiteNavigation([.link("Find a district", href: "/districts", current: true)], viewer: viewer, account: account).html
        let heading = state.map { query.isEmpty ? "Districts of \(PublicHighSchool.stateName($0))" : "“\(query)” in \(PublicHighSchool.stateName($0))" } ?? (query.isEmpty ? "Find a district" : "Districts matching “\(query)”")
        h += "<h1>\(heading)</h1>"
        h += "<p class=\"note\">Public data: the federal Civil Rights Data Collection 2015-16, high schools. Each district's page shows its high schools against the district, the district against its state, who takes AP, and where it stands among its state's districts.</p>"
        h += finderForm(states: states, query: query, state: state)
        h += "<p id=\"find-status\" class=\"note\" role=\"status\" aria-live=\"polite\">"
        if query.isEmpty && state == nil {
            h += "Type part of a district's name, or choose a state.</p><ul id=\"find-results\" class=\"found\"></ul>"
        } else {
            h += found.isEmpty ? "No district matches." : more ? "The first \(found.count) districts that match; add a word or a state to narrow." : "\(found.count) district\(found.count == 1 ? "" : "s") match."
            h += "</p><ul id=\"find-results\" class=\"found\">"
            for d in found { h += "<li><a href=\"\(d.path)\">\(d.name)</a></li>" }
            h += "</ul>"
        }
        h += "<h2>Browse by state</h2>\(stateList(states))" + finderScript
        return Layout.page(title: "\(heading) — Mosaic", style: .site, css: finderCSS, body: h)
    }
}
