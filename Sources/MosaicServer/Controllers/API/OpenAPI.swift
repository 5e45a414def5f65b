import MosaicCore
import MosaicReport

/// The API's description (OpenAPI 3.1), served at `/openapi.json`: the routes of
/// contract `service.md`, their parameters, scopes and errors.
enum OpenAPI {
    static func document(version: String = "1.0.0") -> JSONValue {
        func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
        func response(_ description: String, _ schema: JSONValue? = nil, type: String = "application/json") -> JSONValue {
            var r: [(String, JSONValue)] = [("description", .string(description))]
            if let schema { r.append(("content", .object([(type, .object([("schema", schema)]))]))) }
            return .object(r)
        }
        let error = response("Refused: the message says why.", ref("Error"))
        func path(_ name: String, _ description: String) -> JSONValue {
            .object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                     ("description", .string(description)), ("schema", .object([("type", .string("string"))]))])
        }
        let district = path("district", "The district's id (its org sourcedId).")
        let term = path("term", "The term's name, as `mosaic import --term` stored it.")
        let school = path("school", "The school's id (its org sourcedId).")
        let scopes = "District staff see their district unsuppressed; a school leader sees the public view here; advocates and callers without a token see the public view, where every count below min n is null with \"suppressed\": true beside it."
        func get(_ summary: String, _ description: String, _ parameters: [JSONValue], _ ok: JSONValue, extra: [(String, JSONValue)] = []) -> JSONValue {
            .object([("get", .object([
                ("summary", .string(summary)), ("description", .string(description)),
                ("parameters", .array(parameters)),
                ("responses", .object([("200", ok), ("401", error), ("404", error)] + extra)),
            ]))])
        }
        let paths: [(String, JSONValue)] = [
            ("/healthz", .object([("get", .object([
                ("summary", .string("Liveness")), ("security", .array([])),
                ("responses", .object([("200", response("The text ok.", .object([("type", .string("string"))]), type: "text/plain"))])),
            ]))])),
            ("/api/v1/districts", get("The districts the caller may see, each with its terms", "Every district of the store and its terms, oldest first.", [],
                                      response("The districts.", ref("Districts")))),
            ("/api/v1/districts/{district}/terms/{term}/diagnostic",
             get("A term's diagnostic for the caller's scope", "The JSON of contract diagnose.md. " + scopes, [district, term],
                 response("The diagnostic.", ref("Diagnostic")))),
            ("/api/v1/districts/{district}/terms/{term}/schools/{school}",
             get("One school's part of a term's diagnostic", "Its rows in every dimension (across schools, within schools, advanced coursework) and the findings about it. A school leader sees their own schools unsuppressed and may not open another school of the district (403). " + scopes,
                 [district, term, school], response("The school's part.", ref("School")), extra: [("403", error)])),
            ("/api/v1/districts/{district}/plan",
             get("The district's action plan", "Every action of the plan (root cause, guidebook action or the district's own, scope, owner, timeline, status, stakeholder notes, the four planning steps) and its measure read in every term against its target. A measure resting on a suppressed count is null with \"suppressed\": true for every caller but the district's staff.",
                 [district], response("The plan.", ref("Plan")))),
        ] + rounds(district: district, error: error, response: response)
        let schemas: [(String, JSONValue)] = [
            ("Error", .object([("type", .string("object")), ("required", .array([.string("error")])),
                               ("properties", .object([("error", .object([("type", .string("string"))]))]))])),
            ("Districts", .object([("type", .string("object")), ("properties", .object([("districts", .object([
                ("type", .string("array")), ("items", .object([("type", .string("object")), ("properties", .object([
                    ("id", .object([("type", .string("string"))])), ("name", .object([("type", .string("string"))])),
                    ("synthetic", .object([("type", .string("boolean"))])),
                    ("terms", .object([("type", .string("array")), ("items", .object([("type", .string("object"))]))])),
                ]))])),
            ]))]))])),
            ("Diagnostic", .object([("type", .string("object")), ("description", .string("Contract diagnose.md: students, dimensions (composition, districtVsReference, acrossSchools, withinSchools, advanced), findings, term, baseline; in the public view also suppression.")),
                                    ("required", .array([.string("students"), .string("dimensions"), .string("findings")]))])),
            ("Plan", .object([("type", .string("object")), ("required", .array([.string("district"), .string("items")])),
                              ("properties", .object([("district", .object([("type", .string("string"))])),
                                                      ("items", .object([("type", .string("array")), ("items", .object([("type", .string("object"))]))]))]))])),
            ("School", .object([("type", .string("object")), ("required", .array([.string("school"), .string("dimensions"), .string("findings")]))])),
        ]
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string("Mosaic")), ("version", .string(version)),
                              ("description", .string("Is each student enrolled in a school and attending classes that are racially/ethnically and socioeconomically diverse? The district's diagnostics, per term, for the caller's scope."))])),
            ("paths", .object(paths)),
            ("components", .object([
                ("schemas", .object(schemas)),
                ("securitySchemes", .object([("bearer", .object([("type", .string("http")), ("scheme", .string("bearer")),
                                                                 ("description", .string("A token from mosaic token create. Without one, the public view."))]))])),
            ])),
            ("security", .array([.object([("bearer", .array([]))]), .object([])])),
        ])
    }

    /// The application round's routes (issue 5): staff of the district's enrollment office
    /// or district role; the family's result with its reference and code.
    static func rounds(district: JSONValue, error: JSONValue, response: (String, JSONValue?, String) -> JSONValue) -> [(String, JSONValue)] {
        func path(_ name: String, _ description: String) -> JSONValue {
            .object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                     ("description", .string(description)), ("schema", .object([("type", .string("string"))]))])
        }
        let round = path("round", "The round's number in its district."), run = path("run", "The run's number in its round.")
        let staff = " Only the district's enrollment office and district staff (403 for everyone else); recorded in the audit log."
        func op(_ method: String, _ summary: String, _ description: String, _ parameters: [JSONValue], _ ok: (String, JSONValue),
                body: String? = nil) -> (String, JSONValue) {
            var fields: [(String, JSONValue)] = [("summary", .string(summary)), ("description", .string(description)),
                                                 ("parameters", .array(parameters))]
            if let body { fields.append(("requestBody", .object([("content", .object([(body, .object([]))]))]))) }
            fields.append(("responses", .object([ok, ("400", error), ("401", error), ("403", error), ("404", error), ("409", error)])))
            return (method, .object(fields))
        }
        let json = "application/json"
        return [
            ("/api/v1/districts/{district}/rounds", .object([
                op("get", "The district's application rounds", "Each round's term, name, status (open, matched, published), applications, runs and the published run." + staff,
                   [district], ("200", response("The rounds.", nil, json))),
                op("post", "Create an application round", "Body: {term, name, priorityClasses?, schools} — schools, capacities, reserves and precedence as contract match.md writes them." + staff,
                   [district], ("201", response("The new round's id.", nil, json)), body: json),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/applications", .object([
                op("put", "Upload the round's applications (CSV)", "student_id, prefs (school ids separated by ;), optional sibling, zones, lottery; any other column is a group. All or nothing: every problem as applications.csv:line. Replaces the round's applications and answers, once, each applicant's reference and code for the family (only the code's hash is kept)." + staff,
                   [district, round], ("200", response("applicant,reference,code", nil, "text/csv")), body: "text/csv"),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/runs", .object([
                op("post", "Run the match", "Body: {seed?, mechanism? (da, ttc, boston), tieBreaking? (single, multiple)}; a seed not given is drawn. The seed and the SHA-256 of the exact input are recorded." + staff,
                   [district, round], ("201", response("The run's number, seed, input hash and summary.", nil, json)), body: json),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/simulate", .object([
                op("post", "Simulate the round's policy", "Body: {draws? (2–2000, default 200), seed?, mechanism?, tieBreaking?}. Fresh lotteries on the round's applications: per group the rank distribution and first-choice share, per dimension the dissimilarity of the resulting schools with its 5–95 % band (mosaic match --simulate). Nothing is stored." + staff,
                   [district, round], ("200", response("The simulation.", nil, json)), body: json),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/runs/{run}", .object([
                op("get", "A run's result", "The JSON of contract match.md (assignments, summary, schools with cutoffs, groups), as mosaic match prints it for the same input and seed; ?format=csv for its CSV." + staff,
                   [district, round, run], ("200", response("The result.", nil, json))),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/runs/{run}/explain/{student}", .object([
                op("get", "Why a student was not admitted where she ranked higher", "For each school she ranked above her assignment: her priority there, the school's cutoff, whether it filled (mosaic match --explain)." + staff,
                   [district, round, run, path("student", "The applicant's id.")], ("200", response("The explanation.", nil, json))),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/runs/{run}/input", .object([
                op("get", "A run's exact input", "The match.md instance whose SHA-256 the run recorded: mosaic match FILE --seed SEED gives the same result." + staff,
                   [district, round, run], ("200", response("The instance.", nil, json))),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/runs/{run}/publish", .object([
                op("post", "Publish a run", "It becomes the round's result families read; any other run is withdrawn." + staff,
                   [district, round, run], ("200", response("Published.", nil, json))),
            ])),
            ("/api/v1/districts/{district}/rounds/{round}/result", .object([
                op("post", "A family's own result", "Body: {reference, code} as the family's letter gives them. The published assignment and, for every school ranked higher, her priority against its cutoff. An unknown reference and a wrong code get the same 404.",
                   [district, round], ("200", response("Her result, or null before one is published.", nil, json)), body: json),
            ])),
        ]
    }
}
