import MosaicCore
@testable import MosaicDiagnostic
import MosaicImport
import MosaicTestSupport
import Testing

/// Any district from public data (contract `crdc.md`): figures checked by hand on a small
/// state, against an independent computation on real districts, and the analysis
/// published with the CRDC file rebuilt from Mosaic's own per-district figures.
@Suite struct PublicDataTests {
    static func school(_ state: String, _ district: String, _ name: String, ap: Bool, _ students: [Int], _ apStudents: [Int]? = nil) -> PublicHighSchool {
        PublicHighSchool(state: state, district: district, name: name, offersAP: ap, students: students,
                         apStudents: apStudents ?? Array(repeating: 0, count: 7))
    }

    /// A state of three districts, computed by hand. Groups: AI, Asian, Black, Hispanic, PI, multi, White.
    @Test func figuresMatchAHandCalculation() throws {
        let a = Self.school("S", "North", "A", ap: true, [0, 0, 20, 0, 0, 0, 80], [0, 0, 2, 0, 0, 0, 18])
        let b = Self.school("S", "North", "B", ap: false, [0, 0, 60, 0, 0, 0, 40])
        let c = Self.school("S", "South", "C", ap: true, [0, 0, 50, 0, 0, 0, 50], [0, 0, 10, 0, 0, 0, 10])
        let d = Self.school("S", "South", "D", ap: true, [0, 0, 50, 0, 0, 0, 50], [0, 0, 5, 0, 0, 0, 5])
        let e = Self.school("S", "West", "E", ap: true, [0, 10, 0, 0, 0, 0, 10], [0, 5, 0, 0, 0, 0, 5])
        let analysis = PublicDataAnalysis([a, b, c, d, e])
        #expect(analysis.states.count == 1 && analysis.states[0].districts == 3 && analysis.states[0].highSchools == 5)
        #expect(analysis.states[0].students == [0, 10, 180, 0, 0, 0, 230])
        let north = analysis.districts[0]
        #expect(north.district == "North" && north.highSchools == 2 && north.highSchoolsWithAP == 1)
        // North: 80 Black, 120 White; P = (.4, .6). D = Σ t|p − P| / (2 T I), I = 2·.4·.6 = .48:
        // school A: 100·(|.2−.4| + |.8−.6|) = 40; B: 100·(.2 + .2) = 40 → 80 / (2·200·.48) = 0.41667.
        #expect(abs(north.D - 80.0 / 192.0) < 1e-12)
        // Access: 60 of 80 Black students attend B, which offers no AP → 1 − 60/80 = 0.25;
        // White: 40 of 120 → 2/3.
        #expect(north.accessRate[2] == 0.25 && abs(north.accessRate[6]! - 2.0 / 3.0) < 1e-12)
        #expect(north.accessRate[1] == nil)
        // Representation: Black 2 of 20 AP students against 80 of 200 students → 0.1 / 0.4.
        #expect(abs(north.representation[2]! - 0.25) < 1e-12 && abs(north.representation[6]! - 1.5) < 1e-12)
        #expect(north.inHighSchoolsWithoutAP == [0, 0, 60, 0, 0, 0, 40])
        #expect(abs(north.studentsOfColorShare! - 0.4) < 1e-12 && abs(north.apStudentsOfColorShare! - 0.1) < 1e-12)
        // Against the state (10 Asian, 180 Black, 230 White of 420): ½(|0 − 10/420| + |.4 − 180/420| + |.6 − 230/420|).
        let vsState = 0.5 * (10.0 / 420 + abs(0.4 - 180.0 / 420) + abs(0.6 - 230.0 / 420))
        #expect(abs(north.dissimilarityVsState - vsState) < 1e-12)
        // Schools against the district: A ½(.2 + .2) = .2.
        #expect(abs(north.schools[0].dissimilarityVsDistrict! - 0.2) < 1e-12)
        // South's two schools are alike: D = 0. West has one school: D = 0, no percentile.
        let south = analysis.districts[1], west = analysis.districts[2]
        #expect(south.D == 0 && west.D == 0 && west.statePercentileD == nil)
        // Percentiles among the districts with two or more schools (North, South): North's
        // D is above South's → 1 of 2 lower; South's: none lower.
        #expect(north.statePercentileD == 0.5 && south.statePercentileD == 0)
    }

    /// Real districts against the same figures computed independently (plain Python from
    /// the raw file, `scripts/crosscheck/crdc_published.py --districts`).
    @Test func realDistrictsMatchAnIndependentComputation() throws {
        let analysis = PublicDataAnalysis(try CRDCFile.read(CRDCData.highSchools).schools)
        let expected: [(String, String, schools: Int, D: Double, black: Double, hispanic: Double, repBlack: Double, vsState: Double, pct: Double?)] = [
            ("GEORGIA", "Cobb County", 20, 0.37925979626136047, 0.9842540234884732, 0.9880111676794219, 0.6523650401976208, 0.06668547313236885, 0.9021739130434783),
            ("NEW YORK", "NEW YORK CITY PUBLIC SCHOOLS", 510, 0.4555019131651615, 0.7235108835658697, 0.7558697475076865, 0.6498416356981846, 0.34038167363139726, 0.9642857142857143),
            ("CALIFORNIA", "Los Angeles Unified", 185, 0.4856048894724831, 0.9270084046339062, 0.930727249650971, 0.7405567280035741, 0.26800108196989997, 0.9931350114416476),
            ("ILLINOIS", "Quincy SD 172", 1, 0, 1, 1, 0.5630015935100681, 0.3804637807998891, nil),
            ("TEXAS", "HOUSTON ISD", 53, 0.4718524599757478, 0.9592660810427883, 0.9696760440748191, 0.8668099284864391, 0.20175408597251127, 0.9692832764505119),
        ]
        for e in expected {
            let d = try #require(analysis.districts.first { $0.state == e.0 && $0.district == e.1 }, "\(e.1)")
            #expect(d.highSchools == e.schools, "\(e.1)")
            #expect(abs(d.D - e.D) < 1e-9, "\(e.1) D \(d.D)")
            #expect(abs(d.accessRate[2]! - e.black) < 1e-9 && abs(d.accessRate[3]! - e.hispanic) < 1e-9, "\(e.1) access")
            #expect(abs(d.representation[2]! - e.repBlack) < 1e-9, "\(e.1) representation")
            #expect(abs(d.dissimilarityVsState - e.vsState) < 1e-9, "\(e.1) vs state")
            #expect(d.statePercentileD.map { abs($0 - e.pct!) < 1e-12 } ?? (e.pct == nil), "\(e.1) percentile")
        }
    }

    /// The analysis published with the file (jhuggins/anti-racist-data, AP enrollment by
    /// race): 2,992 districts over 1,000 students, 78 % with fewer students of colour among
    /// AP students than among all, 4 % under half, % AP = −1.6771 + 0.9107 × % all.
    @Test func thePublishedAnalysisIsRebuiltFromMosaicsFigures() throws {
        let analysis = PublicDataAnalysis(try CRDCFile.read(CRDCData.highSchools).schools)
        #expect(analysis.districts.count == 12_757 && analysis.states.count == 51)
        let fit = try #require(APRepresentationFit(analysis.districts))
        #expect(fit.districts == 2_992)
        #expect((fit.shareLower * 100).rounded() == 78 && abs(fit.shareLower - 0.7761) < 5e-5)
        #expect((fit.shareBelowHalf * 100).rounded() == 4 && abs(fit.shareBelowHalf - 0.0378) < 5e-5)
        #expect(abs(fit.intercept - (-1.6771)) < 5e-5 && abs(fit.slope - 0.9107) < 5e-5)
    }

    @Test func aSelectionNamesWhatIsUnknown() throws {
        let analysis = PublicDataAnalysis([Self.school("GEORGIA", "Cobb County", "A", ap: true, [0, 1, 2, 3, 0, 0, 4]),
                                           Self.school("GEORGIA", "Fulton County", "B", ap: true, [0, 1, 2, 3, 0, 0, 400])])
        let one = try PublicDataSelection(analysis, state: "georgia", district: "cobb  county")
        #expect(one.districts.map(\.district) == ["Cobb County"] && one.states.map(\.state) == ["GEORGIA"])
        #expect(try PublicDataSelection(analysis, state: nil, district: nil, minimumStudents: 100).districts.map(\.district) == ["Fulton County"])
        #expect(throws: PublicDataSelection.Unknown.self) { try PublicDataSelection(analysis, state: "Georgie", district: nil) }
        do { _ = try PublicDataSelection(analysis, state: "GEORGIA", district: "Cobb") } catch {
            #expect(error.description == "no district \"Cobb\" in GEORGIA in the file; the closest names: \"Cobb County\", \"Fulton County\"")
        }
    }
}
