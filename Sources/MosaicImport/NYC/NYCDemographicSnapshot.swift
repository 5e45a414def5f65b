import MosaicCore

/// The NYC DOE "2013-2018 Demographic Snapshot School" file (NYC Open Data), read into
/// one `SchoolDemographics` per school and year.
///
/// Counts above 999 carry a thousands separator (`"1,025"`); percentages are ignored
/// (Mosaic recomputes shares from counts). The columns used:
/// `DBN, School Name, Year, Total Enrollment, # Female, # Male, # Asian, # Black,
/// # Hispanic, # Multiple Race Categories Not Represented, # White,
/// # Students with Disabilities, # English Language Learners, # Poverty`.
public enum NYCDemographicSnapshot {
    static let required = [
        "DBN", "School Name", "Year", "Total Enrollment", "# Female", "# Male", "# Asian", "# Black",
        "# Hispanic", "# Multiple Race Categories Not Represented", "# White",
        "# Students with Disabilities", "# English Language Learners", "# Poverty",
    ]

    /// Reads every school-year row.
    /// - Throws: `ImportError` listing each missing column, bad DBN, bad year or bad count.
    public static func schools(from csv: CSVTable) throws(ImportError) -> [SchoolDemographics] {
        let missing = required.filter { csv.column($0) == nil }
        guard missing.isEmpty else {
            throw ImportError(csv.name, 1, "not a Demographic Snapshot school file: no column \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        let c = Dictionary(uniqueKeysWithValues: required.map { ($0, csv.column($0)!) })
        var problems: [ImportProblem] = []
        var out: [SchoolDemographics] = []
        out.reserveCapacity(csv.rows.count)
        for row in csv.rows {
            func field(_ name: String) -> String { row.fields[c[name]!].trimmingWhitespace() }
            func number(_ name: String) -> Int {
                let raw = field(name)
                if let n = Int(raw.replacingComma()), n >= 0 { return n }
                problems.append(.init(file: csv.name, line: row.line, message: "column \"\(name)\": \"\(raw)\" is not a count"))
                return 0
            }
            guard let dbn = DBN(field("DBN")) else {
                problems.append(.init(file: csv.name, line: row.line, message: "\"\(field("DBN"))\" is not a DBN (district, borough letter, school number: 01M015)"))
                continue
            }
            guard let year = SchoolYear(field("Year")) else {
                problems.append(.init(file: csv.name, line: row.line, message: "\"\(field("Year"))\" is not a school year (expected 2017-18)"))
                continue
            }
            let total = number("Total Enrollment")
            let female = number("# Female"), male = number("# Male")
            let race = ["# Asian", "# Black", "# Hispanic", "# Multiple Race Categories Not Represented", "# White"].map(number)
            let swd = number("# Students with Disabilities")
            let ell = number("# English Language Learners")
            let poverty = number("# Poverty")
            for (name, n) in [("# Students with Disabilities", swd), ("# English Language Learners", ell), ("# Poverty", poverty)] where n > total {
                problems.append(.init(file: csv.name, line: row.line, message: "column \"\(name)\": \(n) is more than the school's \(total) students"))
            }
            out.append(SchoolDemographics(
                dbn: dbn, name: field("School Name"), year: year, totalEnrollment: total,
                counts: [
                    .race: race,
                    .gender: [female, male],
                    .economic: [poverty, max(0, total - poverty)],
                    .englishLearner: [ell, max(0, total - ell)],
                    .disability: [swd, max(0, total - swd)],
                ]))
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        return out
    }

    /// The school counts of one year and dimension as a count table (the input of
    /// `mosaic segregation`): columns `dbn, district, borough, name`, then one column per
    /// group of the dimension. Schools with no students in the dimension are left out
    /// and returned in `skipped`.
    ///
    /// - Parameter communityDistrictsOnly: keep districts 01–32 (the geographic
    ///   community school districts), leaving out citywide special education (75),
    ///   alternative schools (79) and charter schools (84).
    public static func countTable(
        _ schools: [SchoolDemographics], year: SchoolYear, dimension: Dimension, communityDistrictsOnly: Bool
    ) -> (csv: String, rows: Int, skipped: [DBN]) {
        var lines = [(["dbn", "district", "borough", "name"] + dimension.groups).joined(separator: ",")]
        var skipped: [DBN] = []
        let chosen = schools
            .filter { $0.year == year && (!communityDistrictsOnly || $0.dbn.isCommunitySchoolDistrict) }
            .sorted { $0.dbn < $1.dbn }
        for s in chosen {
            let counts = s.counts(of: dimension)
            guard counts.reduce(0, +) > 0 else { skipped.append(s.dbn); continue }
            let fields = [s.dbn.description, s.dbn.districtCode, s.dbn.boroughName, csvField(s.name)] + counts.map(String.init)
            lines.append(fields.joined(separator: ","))
        }
        return (lines.joined(separator: "\n") + "\n", lines.count - 1, skipped)
    }
}

extension String {
    func replacingComma() -> String { String(filter { $0 != "," }) }
}
