import Foundation

/// The real NYC files shipped with Mosaic (copies of `../shared/data/nyc/`, NYC Open Data
/// terms of use; see `Resources/nyc/README.md`): the Demographic Snapshot by school
/// (2013-14 to 2017-18), the 2017-18 elementary attendance zones (WKT) and the school
/// locations. The demo, `mosaic generate`, `mosaic segregation nyc` and `mosaic
/// boundaries nyc` read these unless given other files, from any working folder.
public enum NYCData {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources/nyc")?.path ?? "Resources/nyc/\(name).csv"
    }

    public static var snapshot: String { path("nyc_demographic_snapshot_school_2013-14_to_2017-18") }
    public static var zones: String { path("nyc_elementary_zones_2017-18_wkt") }
    public static var locations: String { path("nyc_school_locations_2017-18") }
}
