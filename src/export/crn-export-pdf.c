/* crn-export-pdf.c: the month's activity on one A4 page, with its charts (cairo PDF)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The title names the month ("Créneaux, SNP activity, December 2026"), then the month's
 * figures, a chart of slots offered and booked per week and one per day (drawn by
 * crn_export_chart_draw(), as in the app), Avenant 9's checks per calendar week (level 1,
 * majorations) and the bookings and no-shows by referrer. The app's Activity page saves
 * this same document.
 * Numbers and rates follow the user's locale; days are Europe/Paris days.
 */
#define G_LOG_DOMAIN "CrnExport"

#include "config.h"

#include "crn-export.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#define PAGE_WIDTH  595.0    /* A4 in points */
#define PAGE_HEIGHT 842.0
#define MARGIN      50.0
#define CHART_HEIGHT 140.0

static const char *const month_names[] = {
  NULL, N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
  N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
};

static char *
dup_month (const GDate *first)
{
  /* TRANSLATORS: month and year, "December 2026" */
  return g_strdup_printf (_("%s %u"), _(month_names[g_date_get_month (first)]),
                          g_date_get_year (first));
}

static char *
dup_percent (double rate)
{
  return g_strdup_printf ("%.0f %%", 100.0 * rate);
}

static char *
dup_hours (guint minutes)
{
  return g_strdup_printf ("%u h %02u", minutes / 60, minutes % 60);
}

static void
show_line (cairo_t    *cr,
           double     *y,
           double      size,
           const char *text)
{
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, MARGIN, *y);
  cairo_show_text (cr, text);
  *y += size * 1.6;
}

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The columns of the calendar weeks' table, from the left margin, in points. */
#define N_WEEK_COLUMNS 7
static const double week_columns[N_WEEK_COLUMNS] = { 0, 70, 130, 220, 280, 360, 440 };

static void
show_cells (cairo_t            *cr,
            double             *y,
            double              size,
            const char * const *cells)
{
  cairo_set_font_size (cr, size);
  for (guint c = 0; c < N_WEEK_COLUMNS; c++)
    {
      cairo_move_to (cr, MARGIN + week_columns[c], *y);
      cairo_show_text (cr, cells[c]);
    }
  *y += size * 1.6;
}

static void
draw_chart (cairo_t     *cr,
            double      *y,
            const char  *title,
            const char **labels,
            const guint *offered,
            const guint *booked,
            guint        n)
{
  const CrnExportColor black = { 0, 0, 0, 1 }, blue = { 0.21, 0.52, 0.89, 1 };

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  show_line (cr, y, 12, title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_save (cr);
  cairo_translate (cr, MARGIN, *y - 8);
  crn_export_chart_draw (cr, PAGE_WIDTH - 2 * MARGIN, CHART_HEIGHT, labels, offered, booked, n,
                         _("Offered"), _("Booked"), &black, &blue);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  *y += CHART_HEIGHT + 10;
}

static void
draw_page (cairo_t              *cr,
           const CrnExportMonth *m,
           const char           *title)
{
  const CrnFigures *f = &m->total;
  const char *labels[31];
  char *label_text[31] = { NULL, };
  guint offered[31], booked[31];
  double y = 70;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  show_line (cr, &y, 18, title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  show_line (cr, &y, 10, _("All practitioners of the practice; days and times in Europe/Paris."));
  y += 6;
  {
    g_autofree char *hours = dup_hours (f->offered_minutes);
    g_autofree char *fill = dup_percent (crn_figures_fill_rate (f));
    g_autofree char *noshow = dup_percent (crn_figures_noshow_rate (f));
    g_autofree char *l1 = g_strdup_printf (_("Slots offered to regulation: %u (%s)"), f->offered,
                                           hours);
    g_autofree char *l2 = g_strdup_printf (_("Slots booked: %u, fill rate %s"), f->booked, fill);
    g_autofree char *l3 =
      g_strdup_printf (_("Seen: %u, no-shows: %u, no-show rate %s, cancelled: %u"), f->seen,
                       f->noshow, noshow, f->cancelled);
    g_autofree char *l4 = g_strdup_printf (_("Extra patients: %u; seen after SAS regulation: %u"),
                                           f->extras, f->sas_regulated);

    show_line (cr, &y, 11, l1);
    show_line (cr, &y, 11, l2);
    show_line (cr, &y, 11, l3);
    show_line (cr, &y, 11, l4);
  }
  y += 12;

  /* Per week of the month */
  for (guint i = 0; i < m->n_weeks; i++)
    {
      /* TRANSLATORS: label of a week in the PDF's chart: the day it starts, "from 7/12" */
      label_text[i] = g_strdup_printf (_("from %u/%02u"), g_date_get_day (&m->week_starts[i]),
                                       g_date_get_month (&m->week_starts[i]));
      labels[i] = label_text[i];
      offered[i] = m->weeks[i].offered;
      booked[i] = m->weeks[i].booked;
    }
  draw_chart (cr, &y, _("Slots offered and booked per week"), labels, offered, booked, m->n_weeks);
  for (guint i = 0; i < G_N_ELEMENTS (label_text); i++)
    g_clear_pointer (&label_text[i], g_free);

  /* Per day */
  for (guint d = 0; d < m->n_days; d++)
    {
      label_text[d] = g_strdup_printf ("%u", d + 1);
      labels[d] = label_text[d];
      offered[d] = m->days[d].offered;
      booked[d] = m->days[d].booked;
    }
  draw_chart (cr, &y, _("Slots offered and booked per day"), labels, offered, booked, m->n_days);
  for (guint i = 0; i < G_N_ELEMENTS (label_text); i++)
    g_clear_pointer (&label_text[i], g_free);

  /* Avenant 9, per whole calendar week: a small table */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  show_line (cr, &y, 12, _("Avenant 9, per calendar week"));
  {
    const char *header[N_WEEK_COLUMNS] = {
      /* TRANSLATORS: headings of the calendar weeks' table in the PDF; "Filled" is the fill
       * rate, keep it short */
      _("Week"), _("Offered"), _("Time offered"), _("Booked"), _("Filled"),
      _("Majorations"), _("Level 1"),
    };

    show_cells (cr, &y, 9, header);
  }
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (guint i = 0; i < m->n_calendar_weeks; i++)
    {
      const CrnFigures *w = &m->calendar_weeks[i];
      /* TRANSLATORS: a calendar week in the PDF: its ISO number and the day of its Monday,
       * "49 (30/11)" */
      g_autofree char *week = g_strdup_printf (_("%u (%u/%02u)"),
                                               g_date_get_iso8601_week_of_year (&m->mondays[i]),
                                               g_date_get_day (&m->mondays[i]),
                                               g_date_get_month (&m->mondays[i]));
      g_autofree char *n_offered = g_strdup_printf ("%u", w->offered);
      g_autofree char *hours = dup_hours (w->offered_minutes);
      g_autofree char *n_booked = g_strdup_printf ("%u", w->booked);
      g_autofree char *fill = dup_percent (crn_figures_fill_rate (w));
      g_autofree char *majorations = g_strdup_printf ("%u/%u",
                                                      crn_figures_majoration_count (w->sas_regulated),
                                                      CRN_SNP_MAJORATION_WEEKLY_CAP);
      const char *row[N_WEEK_COLUMNS] = {
        week, n_offered, hours, n_booked, fill, majorations,
        crn_figures_meets_level1 (w->offered_minutes) ? _("met") : _("not met"),
      };

      show_cells (cr, &y, 9, row);
    }
  y += 8;

  /* By referrer */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  show_line (cr, &y, 12, _("Bookings by referrer"));
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    {
      g_autofree char *line = NULL;

      if (f->booked_by_referrer[r] == 0 && f->noshow_by_referrer[r] == 0)
        continue;
      /* TRANSLATORS: "SAS regulation: 12 booked, 1 no-show" */
      line = g_strdup_printf (_("%s: %u booked, %u no-shows"), crn_referrer_get_label (r),
                              f->booked_by_referrer[r], f->noshow_by_referrer[r]);
      show_line (cr, &y, 10, line);
    }
}

/**
 * crn_export_pdf_build:
 * @month: the month's figures
 *
 * Returns: (transfer full) (nullable): the PDF document, or %NULL with @error set
 */
GBytes *
crn_export_pdf_build (const CrnExportMonth  *month,
                      GError               **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autofree char *month_name = dup_month (&month->first);
  g_autofree char *title = g_strdup_printf (_("Créneaux, SNP activity, %s"), month_name);
  g_autofree char *key = g_strdup_printf ("%04u-%02u", g_date_get_year (&month->first),
                                          g_date_get_month (&month->first));
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  surface = cairo_pdf_surface_create_for_stream (append_to_array, data, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_KEYWORDS, key);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "Créneaux " PACKAGE_VERSION);
  cr = cairo_create (surface);
  draw_page (cr, month, title);
  cairo_show_page (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_WRITE,
                   _("The PDF file could not be written: %s"), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
