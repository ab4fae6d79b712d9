/* crn-export.c: export requests, their checks, reading the store and writing the file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every date is a day of Europe/Paris, whatever the machine's zone: an iCalendar export of
 * "2026-10-20 to 2026-10-31" holds the slots starting from 20 October 00:00 to 1 November
 * 00:00, Paris time. The file is written with g_file_replace_contents_bytes_async(), so an
 * export never leaves half a file behind.
 */
#define G_LOG_DOMAIN "CrnExport"

#include "config.h"

#include "crn-export.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (crn-export-error-quark, crn_export_error)

/*
 * Requests
 */

/**
 * crn_export_request_init:
 * @request: the request to fill
 * @format: what to write
 *
 * Sets the defaults: no dates (they must be given), no patient identity, ',' separator.
 */
void
crn_export_request_init (CrnExportRequest *request,
                         CrnExportFormat   format)
{
  memset (request, 0, sizeof *request);
  request->format = format;
  g_date_clear (&request->from, 1);
  g_date_clear (&request->to, 1);
  g_date_clear (&request->month, 1);
  request->separator = ',';
}

/**
 * crn_export_request_validate:
 *
 * Returns: %TRUE when the request can be exported; otherwise a translated sentence in
 *   @error (%CRN_EXPORT_ERROR_INVALID).
 */
gboolean
crn_export_request_validate (const CrnExportRequest  *request,
                             GError                 **error)
{
  switch (request->format)
    {
    case CRN_EXPORT_ICS:
      if (!g_date_valid (&request->from) || !g_date_valid (&request->to))
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("An iCalendar export needs a first and a last day."));
          return FALSE;
        }
      if (g_date_compare (&request->to, &request->from) < 0)
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("The last day is before the first day."));
          return FALSE;
        }
      if (g_date_days_between (&request->from, &request->to) >= CRN_EXPORT_MAX_DAYS)
        {
          g_set_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                       _("An iCalendar export covers at most %u days."), CRN_EXPORT_MAX_DAYS);
          return FALSE;
        }
      return TRUE;

    case CRN_EXPORT_CSV:
    case CRN_EXPORT_PDF:
      if (!g_date_valid (&request->month))
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("This export needs a month."));
          return FALSE;
        }
      if (request->format == CRN_EXPORT_CSV && request->separator != ','
          && request->separator != ';')
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("The separator must be “,” or “;”."));
          return FALSE;
        }
      return TRUE;

    default:
      g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                           _("Unknown export format."));
      return FALSE;
    }
}

static gboolean
all_digits (const char *text,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/**
 * crn_export_parse_date:
 * @text: "YYYY-MM-DD"
 * @date: (out): the day
 *
 * Returns: %TRUE for a real day between the years 2000 and 9999.
 */
gboolean
crn_export_parse_date (const char  *text,
                       GDate       *date,
                       GError     **error)
{
  int year, month, day;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-'
      || !all_digits (text, 4) || !all_digits (text + 5, 2) || !all_digits (text + 8, 2))
    goto bad;
  year = atoi (text);
  month = atoi (text + 5);
  day = atoi (text + 8);
  if (year < 2000 || year > 9999 || !g_date_valid_dmy (day, month, year))
    goto bad;
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;

bad:
  g_set_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
               /* TRANSLATORS: YYYY-MM-DD is the format to type (AAAA-MM-JJ in French) */
               _("“%s” is not a date: write it as YYYY-MM-DD, for example 2026-12-01."),
               text != NULL ? text : "");
  return FALSE;
}

/**
 * crn_export_parse_month:
 * @text: "YYYY-MM"
 * @first: (out): the 1st of that month
 */
gboolean
crn_export_parse_month (const char  *text,
                        GDate       *first,
                        GError     **error)
{
  int year, month;

  if (text == NULL || strlen (text) != 7 || text[4] != '-' || !all_digits (text, 4)
      || !all_digits (text + 5, 2))
    goto bad;
  year = atoi (text);
  month = atoi (text + 5);
  if (year < 2000 || year > 9999 || month < 1 || month > 12)
    goto bad;
  g_date_clear (first, 1);
  g_date_set_dmy (first, 1, month, year);
  return TRUE;

bad:
  g_set_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
               /* TRANSLATORS: YYYY-MM is the format to type (AAAA-MM in French) */
               _("“%s” is not a month: write it as YYYY-MM, for example 2026-12."),
               text != NULL ? text : "");
  return FALSE;
}

/**
 * crn_export_parse_separator:
 * @text: "," or ";" (also "comma", "semicolon")
 */
gboolean
crn_export_parse_separator (const char  *text,
                            char        *separator,
                            GError     **error)
{
  if (g_strcmp0 (text, ",") == 0 || g_strcmp0 (text, "comma") == 0)
    *separator = ',';
  else if (g_strcmp0 (text, ";") == 0 || g_strcmp0 (text, "semicolon") == 0)
    *separator = ';';
  else
    {
      g_set_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                   _("“%s” is not a separator: use “,” or “;”."), text != NULL ? text : "");
      return FALSE;
    }
  return TRUE;
}

/*
 * The month's figures: one store query per day and one per whole calendar week, all queued
 * at once (the store runs them in order on its thread); the month's weeks and total are
 * sums of days, every count being additive.
 */

typedef struct
{
  CrnExportMonth *month;
  guint           pending;
  GError         *error;
} MonthLoad;

static void
month_load_free (MonthLoad *load)
{
  g_free (load->month);
  g_clear_error (&load->error);
  g_free (load);
}

static void
figures_add (CrnFigures       *sum,
             const CrnFigures *f)
{
  sum->offered += f->offered;
  sum->booked += f->booked;
  sum->seen += f->seen;
  sum->noshow += f->noshow;
  sum->cancelled += f->cancelled;
  sum->extras += f->extras;
  sum->sas_regulated += f->sas_regulated;
  sum->offered_minutes += f->offered_minutes;
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    {
      sum->booked_by_referrer[r] += f->booked_by_referrer[r];
      sum->noshow_by_referrer[r] += f->noshow_by_referrer[r];
    }
}

static void
month_finish_sums (CrnExportMonth *m)
{
  memset (&m->total, 0, sizeof m->total);
  m->n_weeks = 0;
  for (guint d = 0; d < m->n_days; d++)
    {
      GDate day = m->first;

      g_date_add_days (&day, d);
      if (d == 0 || g_date_get_weekday (&day) == G_DATE_MONDAY)
        {
          g_assert (m->n_weeks < G_N_ELEMENTS (m->weeks));
          m->week_starts[m->n_weeks] = day;
          memset (&m->weeks[m->n_weeks], 0, sizeof m->weeks[0]);
          m->n_weeks++;
        }
      figures_add (&m->weeks[m->n_weeks - 1], &m->days[d]);
      figures_add (&m->total, &m->days[d]);
    }
}

typedef struct
{
  GTask *task;
  guint  index;
} DayQuery;

static void
on_day_figures_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DayQuery *query = user_data;
  g_autoptr(GTask) task = query->task;
  MonthLoad *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  CrnFigures *figures = query->index < load->month->n_days
                        ? &load->month->days[query->index]
                        : &load->month->calendar_weeks[query->index - load->month->n_days];

  if (!crn_store_figures_finish (CRN_STORE (source), result, figures, &error)
      && load->error == NULL)
    load->error = g_steal_pointer (&error);
  g_free (query);

  if (--load->pending > 0)
    return;

  if (load->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&load->error));
      return;
    }
  month_finish_sums (load->month);
  g_task_return_pointer (task, g_steal_pointer (&load->month), g_free);
}

/**
 * crn_export_month_load_async:
 * @store: an open store
 * @month: any day of the month
 *
 * Reads the figures of every day of the month and of every calendar week it touches (all
 * practitioners).
 */
void
crn_export_month_load_async (CrnStore            *store,
                             const GDate         *month,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MonthLoad *load;
  guint n_queries;

  g_return_if_fail (CRN_IS_STORE (store));
  g_return_if_fail (month != NULL && g_date_valid (month));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_export_month_load_async);
  load = g_new0 (MonthLoad, 1);
  load->month = g_new0 (CrnExportMonth, 1);
  g_task_set_task_data (task, load, (GDestroyNotify) month_load_free);

  g_date_clear (&load->month->first, 1);
  g_date_set_dmy (&load->month->first, 1, g_date_get_month (month), g_date_get_year (month));
  load->month->n_days = g_date_get_days_in_month (g_date_get_month (month),
                                                  g_date_get_year (month));
  {
    GDate monday = load->month->first, last = load->month->first;

    g_date_subtract_days (&monday, g_date_get_weekday (&monday) - G_DATE_MONDAY);
    g_date_add_days (&last, load->month->n_days - 1);
    for (; g_date_compare (&monday, &last) <= 0; g_date_add_days (&monday, 7))
      {
        g_assert (load->month->n_calendar_weeks < G_N_ELEMENTS (load->month->mondays));
        load->month->mondays[load->month->n_calendar_weeks++] = monday;
      }
  }
  n_queries = load->month->n_days + load->month->n_calendar_weeks;
  load->pending = n_queries;

  for (guint i = 0; i < n_queries; i++)
    {
      gboolean is_day = i < load->month->n_days;
      GDate from = is_day ? load->month->first : load->month->mondays[i - load->month->n_days];
      GDate to;
      DayQuery *query = g_new0 (DayQuery, 1);

      if (is_day)
        g_date_add_days (&from, i);
      to = from;
      g_date_add_days (&to, is_day ? 1 : 7);
      query->task = g_object_ref (task);
      query->index = i;
      crn_store_figures_async (store, NULL, crn_time_from_local (&from, 0),
                               crn_time_from_local (&to, 0), cancellable, on_day_figures_cb,
                               query);
    }
}

/**
 * crn_export_month_load_finish:
 *
 * Returns: (transfer full): the month's figures, free with g_free()
 */
CrnExportMonth *
crn_export_month_load_finish (CrnStore      *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * Saving
 */

typedef struct
{
  CrnExportRequest  request;
  GFile            *file;
  GPtrArray        *entries;          /* ICS: the slots, while the extras are read */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_free (data);
}

static void
on_replaced_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_WRITE,
                                 _("The file “%s” could not be written: %s"), name,
                                 error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
write_bytes (GTask  *task,
             GBytes *bytes)
{
  SaveData *data = g_task_get_task_data (task);

  g_file_replace_contents_bytes_async (data->file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task), on_replaced_cb,
                                       g_object_ref (task));
}

/* The instants an iCalendar export covers: from the first day's midnight (Paris) to the
 * midnight after the last day. */
static CrnInstant
ics_from (const CrnExportRequest *request)
{
  return crn_time_from_local (&request->from, 0);
}

static CrnInstant
ics_to (const CrnExportRequest *request)
{
  GDate end = request->to;

  g_date_add_days (&end, 1);
  return crn_time_from_local (&end, 0);
}

static void
on_extras_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) extras = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  extras = crn_store_list_extras_finish (CRN_STORE (source), result, &error);
  if (extras == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bytes = crn_export_ics_build (data->entries, extras, data->request.with_patients);
  write_bytes (task, bytes);
}

static void
on_week_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  entries = crn_store_week_finish (CRN_STORE (source), result, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->entries = g_steal_pointer (&entries);
  crn_store_list_extras_async (CRN_STORE (source), ics_from (&data->request),
                               ics_to (&data->request), g_task_get_cancellable (task),
                               on_extras_cb, g_object_ref (task));
}

static void
on_month_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autofree CrnExportMonth *month = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  month = crn_export_month_load_finish (CRN_STORE (source), result, &error);
  if (month == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->request.format == CRN_EXPORT_CSV)
    bytes = crn_export_csv_build (month, data->request.separator);
  else
    bytes = crn_export_pdf_build (month, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  write_bytes (task, bytes);
}

/**
 * crn_export_save_async:
 * @store: an open store
 * @request: what to export (checked with crn_export_request_validate())
 * @file: where to write it; an existing file is replaced
 *
 * Reads the store, builds the file and writes it. Errors are translated sentences.
 */
void
crn_export_save_async (CrnStore               *store,
                       const CrnExportRequest *request,
                       GFile                  *file,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;
  GError *error = NULL;

  g_return_if_fail (CRN_IS_STORE (store));
  g_return_if_fail (request != NULL);
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_export_save_async);
  data = g_new0 (SaveData, 1);
  data->request = *request;
  data->file = g_object_ref (file);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  if (!crn_export_request_validate (request, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (request->format == CRN_EXPORT_ICS)
    crn_store_week_async (store, NULL, ics_from (request), ics_to (request), cancellable,
                          on_week_cb, g_steal_pointer (&task));
  else
    crn_export_month_load_async (store, &request->month, cancellable, on_month_cb,
                                 g_steal_pointer (&task));
}

gboolean
crn_export_save_finish (CrnStore      *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
