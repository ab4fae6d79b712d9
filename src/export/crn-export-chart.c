/* crn-export-chart.c: a small bar chart (two series) drawn with plain cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnExport"

#include "config.h"

#include "crn-export.h"

static void
set_color (cairo_t       *cr,
           const CrnExportColor *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/**
 * crn_export_chart_draw:
 * @cr: where to draw
 * @width: the width to fill
 * @height: the height to fill
 * @labels: one label per group
 * @first: (array length=n): values of the first series
 * @second: (array length=n): values of the second series
 * @n: number of groups
 * @first_name: legend of the first series
 * @second_name: legend of the second series
 * @foreground: text and axis color
 * @accent: color of the second series (the first is a lighter shade of it)
 *
 * Draws the chart. Used by the app's chart widget and by the PDF export.
 */
void
crn_export_chart_draw (cairo_t               *cr,
                       double                 width,
                       double                 height,
                       const char           **labels,
                       const guint           *first,
                       const guint           *second,
                       guint                  n,
                       const char            *first_name,
                       const char            *second_name,
                       const CrnExportColor  *foreground,
                       const CrnExportColor  *accent)
{
  const double legend_h = 18, label_h = 18, top = legend_h + 8;
  double plot_h = height - top - label_h - 4;
  guint max = 1;
  double group_w, bar_w;
  cairo_text_extents_t extents;

  if (n == 0 || width <= 0 || plot_h <= 10)
    return;

  for (guint i = 0; i < n; i++)
    max = MAX (max, MAX (first[i], second[i]));

  cairo_save (cr);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);

  /* Legend */
  set_color (cr, accent, 0.35);
  cairo_rectangle (cr, 0, 4, 10, 10);
  cairo_fill (cr);
  set_color (cr, foreground, 1.0);
  cairo_move_to (cr, 14, 13);
  cairo_show_text (cr, first_name);
  cairo_text_extents (cr, first_name, &extents);
  set_color (cr, accent, 1.0);
  cairo_rectangle (cr, 14 + extents.x_advance + 16, 4, 10, 10);
  cairo_fill (cr);
  set_color (cr, foreground, 1.0);
  cairo_move_to (cr, 14 + extents.x_advance + 30, 13);
  cairo_show_text (cr, second_name);

  /* Axis */
  set_color (cr, foreground, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, top + plot_h + 0.5);
  cairo_line_to (cr, width, top + plot_h + 0.5);
  cairo_stroke (cr);

  group_w = width / n;
  bar_w = MIN (28.0, group_w * 0.35);
  for (guint i = 0; i < n; i++)
    {
      double x = i * group_w + group_w / 2;
      double h1 = plot_h * first[i] / max;
      double h2 = plot_h * second[i] / max;
      g_autofree char *v1 = g_strdup_printf ("%u", first[i]);
      g_autofree char *v2 = g_strdup_printf ("%u", second[i]);

      set_color (cr, accent, 0.35);
      cairo_rectangle (cr, x - bar_w - 1, top + plot_h - h1, bar_w, h1);
      cairo_fill (cr);
      set_color (cr, accent, 1.0);
      cairo_rectangle (cr, x + 1, top + plot_h - h2, bar_w, h2);
      cairo_fill (cr);

      /* The values above the bars, when the bars are wide enough for them not to overlap
       * (a month's 31 days are not; their numbers are in the text and the CSV). */
      if (bar_w >= 12)
        {
          set_color (cr, foreground, 0.8);
          cairo_text_extents (cr, v1, &extents);
          cairo_move_to (cr, x - bar_w / 2 - 1 - extents.x_advance / 2, top + plot_h - h1 - 3);
          cairo_show_text (cr, v1);
          cairo_text_extents (cr, v2, &extents);
          cairo_move_to (cr, x + 1 + bar_w / 2 - extents.x_advance / 2, top + plot_h - h2 - 3);
          cairo_show_text (cr, v2);
        }

      set_color (cr, foreground, 1.0);
      cairo_text_extents (cr, labels[i], &extents);
      cairo_move_to (cr, x - extents.x_advance / 2, top + plot_h + label_h);
      cairo_show_text (cr, labels[i]);
    }

  cairo_restore (cr);
}
