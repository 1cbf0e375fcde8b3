use super::*;

/// A small deterministic generator of numbers in [0, 1), so every run tests the same points.
fn xorshift(mut seed: u64) -> impl FnMut() -> f64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `GRID_OVER_SPHERE` bounds how much longer a National Grid distance can be than the
/// great-circle one, for pairs of points anywhere in England's box (Scilly to Kent,
/// Cornwall to Northumberland), near and far.
#[test]
fn grid_distances_never_exceed_the_sphere_by_grid_over_sphere() {
    let mut rnd = xorshift(0x2545_f491_4f6c_dd1d_u64);
    let mut worst: f64 = 0.0;
    for i in 0..50_000 {
        let a = LatLon { lat: 49.9 + rnd() * 6.0, lon: -6.4 + rnd() * 8.3 };
        // Half the pairs within 50 km, half anywhere.
        let spread = if i % 2 == 0 { 0.45 } else { 8.0 };
        let b = LatLon {
            lat: (a.lat + (rnd() - 0.5) * spread).clamp(49.9, 55.9),
            lon: (a.lon + (rnd() - 0.5) * spread * 1.6).clamp(-6.4, 1.9),
        };
        let sphere = a.distance_m(b);
        if sphere < 100.0 {
            continue;
        }
        let (pa, pb) = (Bng::of(a), Bng::of(b));
        let grid = ((pa.e - pb.e).powi(2) + (pa.n - pb.n).powi(2)).sqrt();
        worst = worst.max(grid / sphere);
    }
    assert!(worst > 1.0 && worst < 1.005, "grid/sphere up to {worst}");
    assert!(worst < GRID_OVER_SPHERE);
}

/// The banded strip finds exactly what a scan of every setting finds (squared chord and,
/// on ties, the lowest id), with or without a guess, for queries inside and outside the
/// settings' bands, with settings that share a location or a longitude.
#[test]
fn the_strip_is_exact_against_a_scan_of_every_setting() {
    let mut rnd = xorshift(0x9e37_79b9_7f4a_7c15_u64);
    for n in [1usize, 2, 7, 60, 600] {
        let mut sites: Vec<(u32, LatLon)> =
            (0..n).map(|i| (i as u32 * 3, LatLon { lat: 50.0 + rnd() * 5.7, lon: -5.7 + rnd() * 7.5 })).collect();
        // Twins (a school and its unit at one address) and settings on one meridian.
        for i in 0..n / 5 {
            let (_, p) = sites[i];
            sites.push((10_000 + i as u32, p));
            sites.push((20_000 + i as u32, LatLon { lat: 50.0 + rnd() * 5.7, lon: p.lon }));
        }
        let strip = LatStrip::new(sites.iter().copied(), 30_000);
        for q in 0..400 {
            // Some queries well outside England's box, some exactly on a setting.
            let from = match q % 4 {
                0 => sites[q % sites.len()].1,
                1 => LatLon { lat: 45.0 + rnd() * 16.0, lon: -12.0 + rnd() * 20.0 },
                _ => LatLon { lat: 50.0 + rnd() * 5.7, lon: -5.7 + rnd() * 7.5 },
            };
            let qv = unit(from);
            let truth = sites
                .iter()
                .map(|&(id, p)| {
                    let v = unit(p);
                    ((v[0] - qv[0]).powi(2) + (v[1] - qv[1]).powi(2) + (v[2] - qv[2]).powi(2), id)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .unwrap();
            let guess = sites[(q * 7) % sites.len()].0;
            for found in [strip.nearest(from, None), strip.nearest(from, Some(guess))] {
                let (id, d2) = found.expect("a setting");
                assert_eq!((d2, id), truth, "n={n}, query {q} at {from:?}");
            }
        }
    }
    assert_eq!(LatStrip::new(std::iter::empty(), 0).nearest(LatLon { lat: 53.8, lon: -1.5 }, None), None);
}

/// The envelope's pick at any easting is the lowest parabola there (the strip would hide a
/// wrong pick as slowness, so it is pinned on its own).
#[test]
fn lower_envelope_picks_the_lowest_parabola_everywhere() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..50 {
        let y = next() * 100_000.0;
        let mut band: Vec<(f64, f64, u32)> = (0..40)
            .map(|id| {
                // Eastings on a coarse lattice, so some are equal.
                let (e, n) = ((next() * 20.0).floor() * 5_000.0, next() * 100_000.0);
                (e, (y - n) * (y - n) + e * e, id)
            })
            .collect();
        band.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        let (mut hull, mut from) = (Vec::new(), Vec::new());
        lower_envelope(&band, &mut hull, &mut from);
        for step in 0..200 {
            let x = -10_000.0 + step as f64 * 600.0;
            let j = from.iter().rposition(|&f| f <= x).unwrap();
            let value = |b: &(f64, f64, u32)| x * x - 2.0 * b.0 * x + b.1;
            let best = band.iter().map(value).fold(f64::INFINITY, f64::min);
            assert!(value(&band[hull[j]]) <= best + 1e-3 * best.abs().max(1.0), "x = {x}");
        }
    }
}
