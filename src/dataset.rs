//! The dataset file the page loads.
