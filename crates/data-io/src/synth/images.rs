//! Seeded synthetic brain-slice images: axial MRI-like phantoms of a control and an atrophied
//! ("dementia") brain.
//!
//! Each image is a head seen from above: a bright skull ring, dark cerebrospinal fluid (CSF)
//! between skull and brain, a grey-matter cortex band, white matter inside, and two dark
//! lateral ventricles either side of the midline. Atrophy is one latent number per image,
//! `a ∈ [0, 1]`, drawn around a class mean; it enlarges the ventricles, thins the cortex and
//! widens the CSF gap as the brain shrinks inside the skull, so the classes overlap by an
//! amount set by [`BrainSliceSpec::atrophy_sd`]. Every image also gets its own head size,
//! small rotation and shift, and Gaussian pixel noise.
//!
//! Images are generated in memory, deterministically from the seed (no files): 600 images of
//! 32 × 32 take a few milliseconds, while committing them would add about a megabyte of
//! pixels that nobody can review in a diff.

use ndarray::Array2;

use super::SynthRng;

/// What to generate; [`Default`] gives the set used by the course topics.
#[derive(Debug, Clone, PartialEq)]
pub struct BrainSliceSpec {
    /// Images per class.
    pub n_per_class: usize,
    /// Side of the square image in pixels (e.g. 32 or 64).
    pub size: usize,
    /// Class names; class `k` of `K` has mean atrophy `0.2 + 0.6 k / (K − 1)` (0.5 for one).
    pub classes: Vec<String>,
    /// Standard deviation of the latent atrophy around its class mean: larger, more overlap.
    pub atrophy_sd: f64,
    /// Standard deviation of the Gaussian pixel noise (intensities are in `[0, 1]`).
    pub noise: f64,
    /// Largest rotation of the head, in degrees (uniform in `±max_rotation_deg`).
    pub max_rotation_deg: f64,
}

impl Default for BrainSliceSpec {
    fn default() -> Self {
        BrainSliceSpec {
            n_per_class: 300,
            size: 32,
            classes: vec!["control".into(), "dementia".into()],
            atrophy_sd: 0.15,
            noise: 0.05,
            max_rotation_deg: 10.0,
        }
    }
}

/// A set of grey-scale images, one per row, pixels in C (row-major) order.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSet {
    /// `n × (height · width)` intensities in `[0, 1]`.
    pub images: Array2<f64>,
    /// Class index of each image.
    pub labels: Vec<usize>,
    /// Class names, indexed by label.
    pub classes: Vec<String>,
    /// The latent atrophy of each image (what the classes were drawn from).
    pub atrophy: Vec<f64>,
    /// Image height in pixels.
    pub height: usize,
    /// Image width in pixels.
    pub width: usize,
}

impl ImageSet {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Intensities of the tissues (T1-like: fluid dark, white matter bright).
const SKULL: f64 = 0.85;
const CSF: f64 = 0.08;
const GREY: f64 = 0.45;
const WHITE: f64 = 0.75;
const BACKGROUND: f64 = 0.0;

/// Geometry of one phantom, in head coordinates where the skull's outer edge is the unit
/// circle before the per-image scale.
struct Phantom {
    scale: f64,
    aspect: f64,
    cos: f64,
    sin: f64,
    shift: (f64, f64),
    /// Outer radius of the brain (inside the CSF gap).
    brain: f64,
    /// Cortex thickness.
    cortex: f64,
    /// Ventricle half-axes (x, y) and horizontal offset from the midline.
    ventricle: (f64, f64),
    ventricle_offset: f64,
}

impl Phantom {
    fn intensity(&self, x: f64, y: f64) -> f64 {
        // image coordinates → head coordinates: undo shift, rotation, scale and aspect
        let (x, y) = (x - self.shift.0, y - self.shift.1);
        let (x, y) = (self.cos * x + self.sin * y, -self.sin * x + self.cos * y);
        let (x, y) = (x / self.scale, y / (self.scale * self.aspect));
        let r = (x * x + y * y).sqrt();
        if r > 1.0 {
            return BACKGROUND;
        }
        if r > 0.9 {
            return SKULL;
        }
        if r > self.brain {
            return CSF;
        }
        let (vx, vy) = self.ventricle;
        for side in [-1.0, 1.0] {
            let dx = (x - side * self.ventricle_offset) / vx;
            let dy = y / vy;
            if dx * dx + dy * dy <= 1.0 {
                return CSF;
            }
        }
        if r > self.brain - self.cortex {
            GREY
        } else {
            WHITE
        }
    }
}

/// Generate brain-slice phantoms from `spec`, deterministically from `seed`.
///
/// Labels alternate class by class (`0, 1, …, K − 1, 0, 1, …`), so every prefix is close to
/// balanced; shuffle or use a stratified splitter before splitting. Each pixel is the mean of
/// a 2 × 2 grid of samples (anti-aliasing), plus noise, clipped to `[0, 1]`.
///
/// ```
/// use ml4ns_data_io::synth::{brain_slices, BrainSliceSpec};
/// let set = brain_slices(&BrainSliceSpec { n_per_class: 5, ..Default::default() }, 7);
/// assert_eq!(set.images.dim(), (10, 32 * 32));
/// assert_eq!(&set.labels[..4], &[0, 1, 0, 1]);
/// ```
pub fn brain_slices(spec: &BrainSliceSpec, seed: u64) -> ImageSet {
    let k = spec.classes.len().max(1);
    let n = spec.n_per_class * spec.classes.len();
    let size = spec.size;
    let mut rng = SynthRng::new(seed, 0x0062_7261_696e);
    let mut images = Array2::zeros((n, size * size));
    let mut labels = Vec::with_capacity(n);
    let mut atrophy = Vec::with_capacity(n);
    let max_rot = spec.max_rotation_deg.to_radians();
    for i in 0..n {
        let class = i % k;
        let mean = if k == 1 {
            0.5
        } else {
            0.2 + 0.6 * class as f64 / (k - 1) as f64
        };
        let a = rng.normal(mean, spec.atrophy_sd).clamp(0.0, 1.0);
        let angle = rng.uniform_range(-max_rot, max_rot);
        let phantom = Phantom {
            scale: rng.uniform_range(0.82, 0.95),
            aspect: rng.uniform_range(1.05, 1.2),
            cos: angle.cos(),
            sin: angle.sin(),
            shift: (rng.normal(0.0, 0.02), rng.normal(0.0, 0.02)),
            brain: 0.87 - 0.12 * a + rng.normal(0.0, 0.01),
            cortex: (0.16 - 0.09 * a + rng.normal(0.0, 0.01)).max(0.03),
            ventricle: (
                0.07 + 0.08 * a + rng.normal(0.0, 0.01),
                0.16 + 0.16 * a + rng.normal(0.0, 0.015),
            ),
            ventricle_offset: 0.12 + 0.04 * a,
        };
        let mut row = images.row_mut(i);
        for py in 0..size {
            for px in 0..size {
                let mut sum = 0.0;
                for (sy, sx) in [(0.25, 0.25), (0.25, 0.75), (0.75, 0.25), (0.75, 0.75)] {
                    let x = 2.0 * (px as f64 + sx) / size as f64 - 1.0;
                    let y = 2.0 * (py as f64 + sy) / size as f64 - 1.0;
                    sum += phantom.intensity(x, y);
                }
                let v = sum / 4.0 + rng.normal(0.0, spec.noise);
                row[py * size + px] = v.clamp(0.0, 1.0);
            }
        }
        labels.push(class);
        atrophy.push(a);
    }
    ImageSet {
        images,
        labels,
        classes: spec.classes.clone(),
        atrophy,
        height: size,
        width: size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> ImageSet {
        brain_slices(
            &BrainSliceSpec {
                n_per_class: 40,
                ..Default::default()
            },
            3,
        )
    }

    #[test]
    fn same_seed_same_pixels_other_seed_other_pixels() {
        let a = small();
        assert_eq!(a, small());
        let b = brain_slices(
            &BrainSliceSpec {
                n_per_class: 40,
                ..Default::default()
            },
            4,
        );
        assert_ne!(a.images, b.images);
    }

    #[test]
    fn shapes_labels_and_range() {
        let s = small();
        assert_eq!(s.images.dim(), (80, 1024));
        assert_eq!(s.len(), 80);
        assert_eq!(s.labels.iter().filter(|&&l| l == 1).count(), 40);
        assert!(s.images.iter().all(|v| (0.0..=1.0).contains(v)));
        // the corners are background (plus clipped noise), the centre is brain
        let corner: f64 = s.images.column(0).mean().unwrap();
        let centre: f64 = s.images.column(16 * 32 + 16).mean().unwrap();
        assert!(corner < 0.06, "corner {corner}");
        assert!(centre > 0.05, "centre {centre}");
    }

    #[test]
    fn dementia_has_more_dark_fluid_inside_the_skull_but_classes_overlap() {
        let s = brain_slices(&BrainSliceSpec::default(), 1);
        // fraction of dark pixels (CSF) in the central disc, per image
        let dark: Vec<f64> = s
            .images
            .rows()
            .into_iter()
            .map(|r| {
                let mut n = 0;
                let mut d = 0;
                for y in 0..32 {
                    for x in 0..32 {
                        let (u, v) = (x as f64 - 15.5, y as f64 - 15.5);
                        if u * u + v * v < 11.0 * 11.0 {
                            n += 1;
                            d += usize::from(r[y * 32 + x] < 0.25);
                        }
                    }
                }
                d as f64 / n as f64
            })
            .collect();
        let mean = |c: usize| {
            let v: Vec<f64> = (0..s.len())
                .filter(|&i| s.labels[i] == c)
                .map(|i| dark[i])
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        assert!(mean(1) > mean(0) + 0.03, "{} vs {}", mean(1), mean(0));
        // overlap: the most atrophied control is past the least atrophied dementia brain
        let max_control = (0..s.len())
            .filter(|&i| s.labels[i] == 0)
            .map(|i| s.atrophy[i])
            .fold(0.0, f64::max);
        let min_dementia = (0..s.len())
            .filter(|&i| s.labels[i] == 1)
            .map(|i| s.atrophy[i])
            .fold(1.0, f64::min);
        assert!(max_control > min_dementia);
    }
}
