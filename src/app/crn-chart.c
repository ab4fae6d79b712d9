/* crn-chart.c: a small bar chart (two series) drawn with cairo, with a text summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnChart"

#include "config.h"

#include "crn-chart.h"

#include <glib/gi18n-lib.h>

/*
 * Two series side by side per group ("offered" and "booked" per week), a label under each
 * group. The drawing is a plain cairo function so that the PDF report draws the same chart.
 * Screen readers get the numbers as the widget's description.
 */

struct _CrnChart
{
  GtkWidget  parent_instance;

  GStrv      labels;
  GArray    *first;    /* (element-type guint) */
  GArray    *second;   /* (element-type guint) */
  char      *first_name;
  char      *second_name;
  char      *summary;
};

G_DEFINE_FINAL_TYPE (CrnChart, crn_chart, GTK_TYPE_WIDGET)

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/**
 * crn_chart_draw:
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
 * Draws the chart. Used by the widget and by the PDF report.
 */
void
crn_chart_draw (cairo_t       *cr,
                double         width,
                double         height,
                const char   **labels,
                const guint   *first,
                const guint   *second,
                guint          n,
                const char    *first_name,
                const char    *second_name,
                const GdkRGBA *foreground,
                const GdkRGBA *accent)
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

      set_color (cr, foreground, 0.8);
      cairo_text_extents (cr, v1, &extents);
      cairo_move_to (cr, x - bar_w / 2 - 1 - extents.x_advance / 2, top + plot_h - h1 - 3);
      cairo_show_text (cr, v1);
      cairo_text_extents (cr, v2, &extents);
      cairo_move_to (cr, x + 1 + bar_w / 2 - extents.x_advance / 2, top + plot_h - h2 - 3);
      cairo_show_text (cr, v2);

      set_color (cr, foreground, 1.0);
      cairo_text_extents (cr, labels[i], &extents);
      cairo_move_to (cr, x - extents.x_advance / 2, top + plot_h + label_h);
      cairo_show_text (cr, labels[i]);
    }

  cairo_restore (cr);
}

static void
crn_chart_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  CrnChart *self = CRN_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground, accent = { 0.21, 0.52, 0.89, 1.0 };
  cairo_t *cr;

  if (self->first == NULL || self->first->len == 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  crn_chart_draw (cr, width, height, (const char **) self->labels,
                  (const guint *) (gpointer) self->first->data,
                  (const guint *) (gpointer) self->second->data, self->first->len,
                  self->first_name, self->second_name, &foreground, &accent);
  cairo_destroy (cr);
}

static void
crn_chart_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = 200;
  else
    {
      *minimum = 200;
      *natural = 600;
    }
}

static void
crn_chart_finalize (GObject *object)
{
  CrnChart *self = (CrnChart *) object;

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->first, g_array_unref);
  g_clear_pointer (&self->second, g_array_unref);
  g_clear_pointer (&self->first_name, g_free);
  g_clear_pointer (&self->second_name, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (crn_chart_parent_class)->finalize (object);
}

static void
crn_chart_class_init (CrnChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = crn_chart_finalize;
  widget_class->snapshot = crn_chart_snapshot;
  widget_class->measure = crn_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
crn_chart_init (CrnChart *self)
{
}

/**
 * crn_chart_new:
 *
 * Returns: (transfer floating): an empty chart
 */
GtkWidget *
crn_chart_new (void)
{
  return g_object_new (CRN_TYPE_CHART, NULL);
}

/**
 * crn_chart_set_data:
 * @self: a #CrnChart
 * @title: what the chart shows, for screen readers ("Slots offered and booked per week")
 * @labels: one label per group
 * @first: (array length=n): values of the first series
 * @second: (array length=n): values of the second series
 * @n: number of groups
 * @first_name: legend of the first series
 * @second_name: legend of the second series
 *
 * Sets what is drawn, and the same numbers as the accessible description.
 */
void
crn_chart_set_data (CrnChart     *self,
                    const char   *title,
                    const char  **labels,
                    const guint  *first,
                    const guint  *second,
                    guint         n,
                    const char   *first_name,
                    const char   *second_name)
{
  GString *summary;

  g_return_if_fail (CRN_IS_CHART (self));

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->first, g_array_unref);
  g_clear_pointer (&self->second, g_array_unref);
  self->labels = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->labels[i] = g_strdup (labels[i]);
  self->first = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_array_append_vals (self->first, first, n);
  self->second = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_array_append_vals (self->second, second, n);
  g_free (self->first_name);
  self->first_name = g_strdup (first_name);
  g_free (self->second_name);
  self->second_name = g_strdup (second_name);

  summary = g_string_new (title);
  g_string_append (summary, ": ");
  for (guint i = 0; i < n; i++)
    /* TRANSLATORS: one group of a chart, for screen readers: "Week 49: offered 8, booked 5" */
    g_string_append_printf (summary, _("%s%s: %s %u, %s %u"), i ? "; " : "", labels[i],
                            first_name, first[i], second_name, second[i]);
  g_free (self->summary);
  self->summary = g_string_free (summary, FALSE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->summary);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * crn_chart_get_summary:
 * @self: a #CrnChart
 *
 * Returns: (nullable): the text summary given to screen readers
 */
const char *
crn_chart_get_summary (CrnChart *self)
{
  g_return_val_if_fail (CRN_IS_CHART (self), NULL);

  return self->summary;
}
