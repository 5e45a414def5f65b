/// One school's enrolment in one school year, counted by group for each dimension, as
/// published in aggregate (for example the NYC DOE Demographic Snapshot).
public struct SchoolDemographics: Sendable, Equatable {
    public var dbn: DBN
    public var name: String
    public var year: SchoolYear
    public var totalEnrollment: Int
    /// Counts per dimension, in the order of `Dimension.groups`.
    public var counts: [Dimension: [Int]]

    public init(dbn: DBN, name: String, year: SchoolYear, totalEnrollment: Int, counts: [Dimension: [Int]]) {
        self.dbn = dbn
        self.name = name
        self.year = year
        self.totalEnrollment = totalEnrollment
        self.counts = counts
    }

    /// The counts of one dimension's groups (empty when the source does not have them).
    public func counts(of dimension: Dimension) -> [Int] { counts[dimension] ?? [] }
}
