package org.text2image.server.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * A bar chart drawn by the page itself as SVG ({@code admin/chart.html}), with no script or chart
 * library: the coordinates are computed here in a {@value #WIDTH} × {@value #HEIGHT} view box that
 * the browser scales. For screen readers the SVG has a title and a description, each bar a
 * {@code <title>}, and the page shows the same figures in a table.
 *
 * @param id the SVG element's id (its title and description ids derive from it)
 * @param title what it shows, such as "Jobs per hour, last 24 hours"
 * @param description the figures in one sentence (the total and the busiest bar)
 * @param bars the bars, left to right
 * @param top the value of the top of the scale (at least the largest bar, at least 1)
 */
record BarChart(String id, String title, String description, List<Bar> bars, long top) {

    static final int WIDTH = 720;
    static final int HEIGHT = 220;
    /** Room below the bars for their labels, and above for the scale's label. */
    static final int BOTTOM = 24;
    static final int TOP = 16;

    /**
     * One bar.
     *
     * @param label under the bar (shown on every few bars), such as "14:00" or "1 Dec"
     * @param labelX where the label sits: under the middle of the bar
     * @param value its height as text, such as "12" or "₹4,990.00"
     * @param href the page that lists what it counts, or null
     */
    record Bar(double x, double y, double width, double height, String label, double labelX, boolean labelShown,
               String value, String href) {
    }

    /** A bar's value with its label, before layout. */
    record Point(String label, long value, String valueText, String href) {
    }

    /**
     * Lays out {@code points} as bars.
     *
     * @param labelEvery show every n-th label under the bars (they would not fit all)
     */
    static BarChart of(String id, String title, String unit, List<Point> points, int labelEvery) {
        long max = Math.max(1, points.stream().mapToLong(Point::value).max().orElse(0));
        double slot = (double) WIDTH / Math.max(1, points.size());
        double plot = HEIGHT - BOTTOM - TOP;
        List<Bar> bars = new ArrayList<>();
        Point busiest = null;
        long total = 0;
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            total += p.value();
            if (busiest == null || p.value() > busiest.value()) {
                busiest = p;
            }
            double height = p.value() == 0 ? 0 : Math.max(1, plot * p.value() / max);
            bars.add(new Bar(round(i * slot + slot * 0.15), round(TOP + plot - height), round(slot * 0.7), round(height),
                    p.label(), round(i * slot + slot / 2), i % labelEvery == 0, p.valueText(), p.href()));
        }
        String description = busiest == null || busiest.value() == 0 ? title + ": none."
                : title + ": " + total + " " + unit + " in all; the most, " + busiest.valueText() + ", at " + busiest.label() + ".";
        return new BarChart(id, title, description, bars, max);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
