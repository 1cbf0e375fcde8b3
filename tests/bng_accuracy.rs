//! `bng_to_wgs84` against 2,002 real OS Code-Point Open postcode units spread over England
//! (every 745th unit of the October 2025 England file; see `tests/fixtures/postcodes/PROVENANCE.md`).
//! The reference lat/lon were made with PROJ's 7-parameter Helmert transform and rounded to
//! 5 decimal places (about 1 m), so agreement within 5 m shows the conversion is right; it
//! does not measure the Helmert method's own error against OSTN15 (a few metres).

use placement_finder::bng::bng_to_wgs84;
use placement_finder::LatLon;

const SAMPLE: &str = include_str!("fixtures/postcodes/england_units_sample.csv");

#[test]
fn every_sampled_postcode_unit_is_within_five_metres() {
    let mut reader = csv::Reader::from_reader(SAMPLE.as_bytes());
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (postcode, lat, lon, easting, northing) =
        (col("postcode"), col("lat"), col("lon"), col("easting"), col("northing"));
    let number = |record: &csv::StringRecord, i: usize| -> f64 { record[i].parse().expect("a number") };

    let mut errors_m: Vec<(f64, String)> = Vec::new();
    for record in reader.records() {
        let record = record.expect("valid CSV");
        let expected = LatLon { lat: number(&record, lat), lon: number(&record, lon) };
        let got = bng_to_wgs84(number(&record, easting), number(&record, northing))
            .unwrap_or_else(|| panic!("{} is off the grid", &record[postcode]));
        errors_m.push((got.distance_m(expected), record[postcode].to_string()));
    }
    errors_m.sort_by(|a, b| a.0.total_cmp(&b.0));

    let n = errors_m.len();
    let median = errors_m[n / 2].0;
    let p95 = errors_m[n * 95 / 100].0;
    let (max, worst) = &errors_m[n - 1];
    eprintln!("BNG → WGS84 over {n} Code-Point units: median {median:.2} m, 95th percentile {p95:.2} m, max {max:.2} m ({worst})");
    assert!(n >= 2_000, "sample has {n} units");
    assert!(*max < 5.0, "{worst} is {max:.2} m off");
}
