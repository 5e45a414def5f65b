import MosaicBoundaries
import MosaicMetrics
import Testing

/// The generated city's zones today: grown from the schools, each one connected piece
/// around its school; nearest-school zoning when nothing bends them.
@Suite struct SyntheticCityTests {
    /// Students (by race) zoned away from their nearest school, as a share of all.
    static func awayFromNearest(_ city: BoundaryInstance) -> Double {
        let sites = Dictionary(uniqueKeysWithValues: city.schools.map { ($0.id, $0.location!) })
        var away = 0, all = 0
        for unit in city.units {
            let p = unit.location!
            let nearest = city.schools.min { sites[$0.id]!.distance(to: p) < sites[$1.id]!.distance(to: p) }!.id
            let n = unit.students.counts("race")!.values.reduce(0, +)
            all += n
            if nearest != unit.school { away += n }
        }
        return Double(away) / Double(all)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyZoneIsOnePieceAroundItsSchool(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let city = BoundaryInstance.synthetic(schools: 12, blocksPerSchool: 40, using: &rng)
        let index = Dictionary(uniqueKeysWithValues: city.units.enumerated().map { ($1.id, $0) })
        for school in city.schools {
            let home = index[school.unit!]!
            #expect(city.units[home].school == school.id, "\(school.id) stands in its own zone")
            var seen: Set<Int> = [home], queue = [home]
            while let u = queue.popLast() {
                for v in city.units[u].neighbors!.map({ index[$0]! }) where city.units[v].school == school.id && !seen.contains(v) {
                    seen.insert(v)
                    queue.append(v)
                }
            }
            #expect(seen.count == city.units.filter { $0.school == school.id }.count, "\(school.id)'s zone is connected")
        }
    }

    @Test func withoutLinesOrReachEveryBlockGoesToItsNearestSchool() {
        for seed: UInt64 in 1...3 {
            var rng = SeededGenerator(seed: seed)
            let city = BoundaryInstance.synthetic(schools: 12, blocksPerSchool: 40, lines: 0, reach: 0, using: &rng)
            #expect(Self.awayFromNearest(city) == 0)
        }
    }

    @Test func byDefaultZonesBendAwayFromTheNearestSchoolAsRealOnesDo() {
        // NYC's 2017-18 elementary zones put 24 % of students (median over community
        // districts, 16–60 %) outside their nearest school's zone; the defaults are the
        // generator's closest fit to NYC's zones (scripts/bench/boundaries_geography), so a
        // 50-school city lands near it — and nowhere near the nearest-school zoning.
        var rng = SeededGenerator(seed: 1)
        let city = BoundaryInstance.synthetic(schools: 50, using: &rng)
        let away = Self.awayFromNearest(city)
        #expect(away > 0.2 && away < 0.4, "\(away)")
    }
}
