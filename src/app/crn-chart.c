/* crn-chart.c: a small bar chart (two series) drawn with cairo, with a text summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnChart"

#include "config.h"

#include "crn-chart.h"
#include "crn-export.h"

#include <glib/gi18n-lib.h>

/*
 * Two series side by side per group ("offered" and "booked" per week), a label under each
 * group. The drawing is crn_export_chart_draw() (src/export/), so that the PDFs draw the same
 * chart.
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

static CrnExportColor
export_color (const GdkRGBA *color)
{
  return (CrnExportColor) { color->red, color->green, color->blue, color->alpha };
}

/* Draws the chart with crn_export_chart_draw(), the drawing the PDF export uses too. */
static void
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
  CrnExportColor fg = export_color (foreground), ac = export_color (accent);

  crn_export_chart_draw (cr, width, height, labels, first, second, n, first_name, second_name,
                         &fg, &ac);
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
