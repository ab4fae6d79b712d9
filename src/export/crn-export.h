/* crn-export.h: the practice's agenda and figures as iCalendar, CSV and PDF files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "crn-core.h"
#include "crn-store.h"

G_BEGIN_DECLS

#define CRN_EXPORT_ERROR (crn_export_error_quark ())

/**
 * CrnExportError:
 * @CRN_EXPORT_ERROR_INVALID: a date, month, range or option is not valid
 * @CRN_EXPORT_ERROR_NO_AGENDA: there is no agenda file on this computer yet
 * @CRN_EXPORT_ERROR_WRITE: the file could not be written
 *
 * Every message is a translated sentence meant for the user.
 */
typedef enum
{
  CRN_EXPORT_ERROR_INVALID = 1,
  CRN_EXPORT_ERROR_NO_AGENDA,
  CRN_EXPORT_ERROR_WRITE,
} CrnExportError;

GQuark crn_export_error_quark (void);

typedef enum
{
  CRN_EXPORT_ICS = 0,       /* SNP slots and their bookings for a range of days */
  CRN_EXPORT_CSV,           /* the month's activity per day */
  CRN_EXPORT_PDF,           /* the month's activity with its charts */
} CrnExportFormat;

/* The longest range an iCalendar export covers (a year and a day). */
#define CRN_EXPORT_MAX_DAYS 367

/**
 * CrnExportRequest:
 * @format: what to write
 * @from: ICS: first day (Europe/Paris), inclusive
 * @to: ICS: last day (Europe/Paris), inclusive
 * @month: CSV, PDF: any day of the month
 * @with_patients: ICS: put the patient's name and the reason in the events
 * @separator: CSV: ',' (default) or ';' (French spreadsheets: decimal commas and a BOM)
 */
typedef struct
{
  CrnExportFormat format;
  GDate           from;
  GDate           to;
  GDate           month;
  gboolean        with_patients;
  char            separator;
} CrnExportRequest;

void      crn_export_request_init     (CrnExportRequest       *request,
                                       CrnExportFormat         format);
gboolean  crn_export_request_validate (const CrnExportRequest *request,
                                       GError                **error);

/* Command-line values: "2026-12-01", "2026-12", "," or ";". Errors name the faulty text. */
gboolean  crn_export_parse_date       (const char  *text,
                                       GDate       *date,
                                       GError     **error);
gboolean  crn_export_parse_month      (const char  *text,
                                       GDate       *first,
                                       GError     **error);
gboolean  crn_export_parse_separator  (const char  *text,
                                       char        *separator,
                                       GError     **error);

/**
 * CrnExportMonth:
 *
 * The figures of one month (Europe/Paris), per day, per week of the month (weeks cut at the
 * month's edges) and in total, as the store computes them (crn_store_figures_async()); and
 * per whole calendar week (Monday to Sunday) the month touches, for Avenant 9's weekly
 * checks (level 1, majorations), which count whole weeks.
 */
typedef struct
{
  GDate       first;                  /* the 1st of the month */
  guint       n_days;
  CrnFigures  days[31];
  guint       n_weeks;
  GDate       week_starts[6];         /* first day of each week within the month */
  CrnFigures  weeks[6];
  CrnFigures  total;
  guint       n_calendar_weeks;
  GDate       mondays[6];             /* the Monday of each calendar week the month touches */
  CrnFigures  calendar_weeks[6];      /* those weeks, whole */
} CrnExportMonth;

void            crn_export_month_load_async  (CrnStore            *store,
                                              const GDate         *month,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
CrnExportMonth *crn_export_month_load_finish (CrnStore            *store,
                                              GAsyncResult        *result,
                                              GError             **error);

/* The file contents, built from what the store returned. */
GBytes   *crn_export_ics_build    (GPtrArray              *entries,
                                   GPtrArray              *extras,
                                   gboolean                with_patients);
GBytes   *crn_export_csv_build    (const CrnExportMonth   *month,
                                   char                    separator);
GBytes   *crn_export_pdf_build    (const CrnExportMonth   *month,
                                   GError                **error);

/* The header line of the CSV, without the line end (documented, stable). */
char     *crn_export_csv_header   (char                    separator);

/* Reads the store, builds the file and writes it (replacing it atomically). */
void      crn_export_save_async   (CrnStore               *store,
                                   const CrnExportRequest *request,
                                   GFile                  *file,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data);
gboolean  crn_export_save_finish  (CrnStore               *store,
                                   GAsyncResult           *result,
                                   GError                **error);

/* A chart colour, without GTK. */
typedef struct
{
  double red, green, blue, alpha;
} CrnExportColor;

/**
 * crn_export_chart_draw:
 *
 * Two series side by side per group ("offered" and "booked"), a legend, a label under each
 * group. The app's chart widget and the PDF both draw with it.
 */
void      crn_export_chart_draw   (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const char            **labels,
                                   const guint            *first,
                                   const guint            *second,
                                   guint                   n,
                                   const char             *first_name,
                                   const char             *second_name,
                                   const CrnExportColor   *foreground,
                                   const CrnExportColor   *accent);

G_END_DECLS
