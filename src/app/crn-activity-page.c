/* crn-activity-page.c: the practice's figures by week and month, charts, PDF of the month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnActivityPage"

#include "config.h"

#include "crn-activity-page.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#include "crn-chart.h"
#include "crn-page-util.h"

#define MAX_WEEKS 6
#define N_MONTHS  6

/* What the page shows for one month; filled by the store's figures queries. */
typedef struct
{
  GDate      month;                     /* the 1st */
  CrnFigures month_figures;
  guint      n_weeks;
  GDate      mondays[MAX_WEEKS];
  CrnFigures weeks[MAX_WEEKS];
  GDate      months[N_MONTHS];          /* the 1st of the month and the 5 before, oldest first */
  CrnFigures month_history[N_MONTHS];
  CrnFigures quarter;
} Activity;

struct _CrnActivityPage
{
  GtkWidget              parent_instance;

  CrnAgenda             *agenda;
  GCancellable          *cancellable;
  GDate                  month;
  Activity              *shown;         /* (nullable) */
  guint                  serial;
  guint                  loading;
  GtkFileChooserNative  *chooser;

  /* Template widgets */
  GtkStack              *stack;
  GtkBox                *content;
  GtkLabel              *month_label;
};

G_DEFINE_FINAL_TYPE (CrnActivityPage, crn_activity_page, GTK_TYPE_WIDGET)

/*
 * Helpers
 */

static char *
dup_percent (double rate)
{
  return g_strdup_printf ("%.0f %%", 100.0 * rate);
}

static char *
dup_week_label (const GDate *monday)
{
  /* TRANSLATORS: short label of a week in a chart: "Wk 49" */
  return g_strdup_printf (_("Wk %u"), g_date_get_iso8601_week_of_year (monday));
}

static char *
dup_month_short (const GDate *first)
{
  g_autofree char *month = crn_page_dup_month (first);
  g_autofree char *name = g_strndup (month, strcspn (month, " "));

  return g_utf8_substring (name, 0, 3);
}

static char *
dup_hours (guint minutes)
{
  return g_strdup_printf ("%u h %02u", minutes / 60, minutes % 60);
}

static guint
quarter_of (const GDate *day)
{
  return (g_date_get_month (day) - 1) / 3 + 1;
}

static GtkWidget *
new_value_row (const char *title,
               const char *subtitle,
               const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
new_chart_group (const char  *title,
                 const char **labels,
                 const guint *offered,
                 const guint *booked,
                 guint        n)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *chart = crn_chart_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_widget_set_margin_start (chart, 12);
  gtk_widget_set_margin_end (chart, 12);
  gtk_widget_set_margin_top (chart, 12);
  gtk_widget_set_margin_bottom (chart, 12);
  crn_chart_set_data (CRN_CHART (chart), title, labels, offered, booked, n, _("Offered"),
                      _("Booked"));
  gtk_frame_set_child (GTK_FRAME (frame), chart);
  gtk_widget_add_css_class (frame, "view");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);
  return group;
}

static void
rebuild (CrnActivityPage *self)
{
  const Activity *a = self->shown;
  GtkWidget *group;
  g_autofree char *month_name = crn_page_dup_month (&self->month);
  const char *labels[MAX_WEEKS > N_MONTHS ? MAX_WEEKS : N_MONTHS];
  char *label_text[MAX_WEEKS > N_MONTHS ? MAX_WEEKS : N_MONTHS] = { NULL, };
  guint offered[MAX_WEEKS > N_MONTHS ? MAX_WEEKS : N_MONTHS];
  guint booked[MAX_WEEKS > N_MONTHS ? MAX_WEEKS : N_MONTHS];
  gboolean any = FALSE;

  gtk_label_set_label (self->month_label, month_name);
  crn_page_clear_box (self->content);

  for (guint i = 0; a != NULL && i < N_MONTHS; i++)
    any = any || a->month_history[i].offered > 0 || a->month_history[i].extras > 0;
  gtk_stack_set_visible_child_name (self->stack, any ? "list" : "empty");
  if (!any)
    return;

  /* The month at a glance */
  {
    const CrnFigures *f = &a->month_figures;
    g_autofree char *offered_text = g_strdup_printf ("%u", f->offered);
    g_autofree char *booked_text = g_strdup_printf ("%u", f->booked);
    g_autofree char *fill = dup_percent (crn_figures_fill_rate (f));
    g_autofree char *noshow = dup_percent (crn_figures_noshow_rate (f));
    g_autofree char *noshow_sub = g_strdup_printf (_("%u no-shows, %u seen"), f->noshow, f->seen);
    g_autofree char *extras = g_strdup_printf ("%u", a->quarter.extras);
    /* TRANSLATORS: "Q4 2026" */
    g_autofree char *quarter = g_strdup_printf (_("Avenant 9 level 2, Q%u %u"), quarter_of (&a->month),
                                                g_date_get_year (&a->month));
    g_autofree char *hours = dup_hours (f->offered_minutes);

    group = adw_preferences_group_new ();
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), month_name);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_value_row (_("Slots offered to regulation"), hours, offered_text));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_value_row (_("Slots booked"), NULL, booked_text));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_value_row (_("Fill rate"), NULL, fill));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_value_row (_("No-show rate"), noshow_sub, noshow));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_value_row (_("Extra patients this quarter"), quarter, extras));
    gtk_box_append (self->content, group);
  }

  /* By week: chart, then the Avenant 9 checks */
  for (guint i = 0; i < a->n_weeks; i++)
    {
      label_text[i] = dup_week_label (&a->mondays[i]);
      labels[i] = label_text[i];
      offered[i] = a->weeks[i].offered;
      booked[i] = a->weeks[i].booked;
    }
  gtk_box_append (self->content, new_chart_group (_("Slots Offered and Booked per Week"), labels,
                                                  offered, booked, a->n_weeks));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Weeks"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Avenant 9 level 1 needs at least 2 hours a week visible to regulation; the SNP majoration is paid for at most 20 regulated consultations a week."));
  for (guint i = 0; i < a->n_weeks; i++)
    {
      const CrnFigures *f = &a->weeks[i];
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *value = NULL;
      g_autofree char *fill = dup_percent (crn_figures_fill_rate (f));
      g_autofree char *noshow = dup_percent (crn_figures_noshow_rate (f));
      g_autofree char *hours = dup_hours (f->offered_minutes);
      gboolean level1 = crn_figures_meets_level1 (f->offered_minutes);

      /* TRANSLATORS: "Week 49, from 30 November" */
      title = g_strdup_printf (_("Week %u, from %u/%02u"), g_date_get_iso8601_week_of_year (&a->mondays[i]),
                               g_date_get_day (&a->mondays[i]), g_date_get_month (&a->mondays[i]));
      subtitle = g_strdup_printf (_("%u offered, %u booked, fill %s, no-show %s · %s visible: level 1 %s"),
                                  f->offered, f->booked, fill, noshow, hours,
                                  level1 ? _("met") : _("not met"));
      /* TRANSLATORS: SNP majorations this week out of the weekly cap, "3 / 20 majorations" */
      value = g_strdup_printf (_("%u / %u majorations"), crn_figures_majoration_count (f->sas_regulated),
                               CRN_SNP_MAJORATION_WEEKLY_CAP);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_value_row (title, subtitle, value));
    }
  gtk_box_append (self->content, group);

  /* By month */
  for (guint i = 0; i < N_MONTHS; i++)
    {
      g_free (label_text[i]);
      label_text[i] = dup_month_short (&a->months[i]);
      labels[i] = label_text[i];
      offered[i] = a->month_history[i].offered;
      booked[i] = a->month_history[i].booked;
    }
  gtk_box_append (self->content, new_chart_group (_("Slots Offered and Booked per Month"), labels,
                                                  offered, booked, N_MONTHS));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Months"));
  for (guint i = N_MONTHS; i > 0; i--)
    {
      const CrnFigures *f = &a->month_history[i - 1];
      g_autofree char *title = crn_page_dup_month (&a->months[i - 1]);
      g_autofree char *fill = dup_percent (crn_figures_fill_rate (f));
      g_autofree char *noshow = dup_percent (crn_figures_noshow_rate (f));
      g_autofree char *subtitle = g_strdup_printf (_("%u offered, %u booked, %u extra patients"),
                                                   f->offered, f->booked, f->extras);
      g_autofree char *value = g_strdup_printf (_("fill %s · no-show %s"), fill, noshow);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_value_row (title, subtitle, value));
    }
  gtk_box_append (self->content, group);

  for (guint i = 0; i < G_N_ELEMENTS (label_text); i++)
    g_free (label_text[i]);
}

/*
 * Loading
 */

typedef struct
{
  CrnActivityPage *page;
  guint            serial;
  guint            pending;
  Activity        *activity;
  GError          *error;
} Reload;

typedef struct
{
  Reload     *reload;
  CrnFigures *target;
} Query;

static void
on_figures_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Query *query = user_data;
  Reload *reload = query->reload;
  CrnActivityPage *self = reload->page;
  GError *error = NULL;

  if (!crn_store_figures_finish (CRN_STORE (object), result, query->target, &error))
    {
      if (reload->error == NULL)
        reload->error = error;
      else
        g_error_free (error);
    }
  g_free (query);

  if (--reload->pending > 0)
    return;

  if (reload->serial == self->serial && !g_cancellable_is_cancelled (self->cancellable))
    {
      if (reload->error != NULL)
        crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (reload->error->message));
      else
        {
          g_free (self->shown);
          self->shown = g_steal_pointer (&reload->activity);
        }
      self->loading = 0;
      rebuild (self);
    }
  g_clear_error (&reload->error);
  g_free (reload->activity);
  g_object_unref (reload->page);
  g_free (reload);
}

static void
query_figures (CrnActivityPage *self,
               CrnStore        *store,
               Reload          *reload,
               CrnFigures      *target,
               CrnInstant       from,
               CrnInstant       to)
{
  Query *query = g_new0 (Query, 1);

  query->reload = reload;
  query->target = target;
  reload->pending++;
  crn_store_figures_async (store, NULL, from, to, self->cancellable, on_figures_cb, query);
}

static void
reload (CrnActivityPage *self)
{
  CrnStore *store = self->agenda != NULL ? crn_agenda_get_store (self->agenda) : NULL;
  Activity *a;
  Reload *data;
  CrnInstant from, to;
  GDate monday, end;

  if (store == NULL)
    {
      g_clear_pointer (&self->shown, g_free);
      rebuild (self);
      return;
    }

  a = g_new0 (Activity, 1);
  a->month = self->month;
  data = g_new0 (Reload, 1);
  data->page = g_object_ref (self);
  data->serial = ++self->serial;
  data->activity = a;
  self->loading = 1;

  crn_period_month (&a->month, &from, &to);
  query_figures (self, store, data, &a->month_figures, from, to);
  crn_period_quarter (&a->month, &from, &to);
  query_figures (self, store, data, &a->quarter, from, to);

  /* Every week with a day in the month, Monday to Monday. */
  monday = a->month;
  g_date_subtract_days (&monday, g_date_get_weekday (&monday) - 1);
  end = a->month;
  g_date_add_months (&end, 1);
  while (g_date_compare (&monday, &end) < 0 && a->n_weeks < MAX_WEEKS)
    {
      a->mondays[a->n_weeks] = monday;
      crn_period_week (&monday, &from, &to);
      query_figures (self, store, data, &a->weeks[a->n_weeks], from, to);
      a->n_weeks++;
      g_date_add_days (&monday, 7);
    }

  for (guint i = 0; i < N_MONTHS; i++)
    {
      a->months[i] = a->month;
      g_date_subtract_months (&a->months[i], N_MONTHS - 1 - i);
      crn_period_month (&a->months[i], &from, &to);
      query_figures (self, store, data, &a->month_history[i], from, to);
    }
}

/*
 * The PDF of the month
 */

static void
pdf_line (cairo_t    *cr,
          double     *y,
          double      size,
          const char *text)
{
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, 50, *y);
  cairo_show_text (cr, text);
  *y += size * 1.6;
}

static gboolean
write_pdf (CrnActivityPage  *self,
           const char       *path,
           GError          **error)
{
  const Activity *a = self->shown;
  const CrnFigures *f;
  const double width = 595, height = 842;    /* A4 in points */
  const GdkRGBA black = { 0, 0, 0, 1 }, blue = { 0.21, 0.52, 0.89, 1 };
  g_autofree char *month_name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *key = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  const char *labels[MAX_WEEKS];
  char *label_text[MAX_WEEKS] = { NULL, };
  guint offered[MAX_WEEKS], booked[MAX_WEEKS];
  double y = 70;

  if (a == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   _("The figures are not loaded yet. Try again in a moment."));
      return FALSE;
    }
  f = &a->month_figures;
  month_name = crn_page_dup_month (&a->month);
  title = g_strdup_printf (_("Créneaux, SNP activity, %s"), month_name);
  key = g_strdup_printf ("%04u-%02u", g_date_get_year (&a->month), g_date_get_month (&a->month));

  surface = cairo_pdf_surface_create (path, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_KEYWORDS, key);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Créneaux " PACKAGE_VERSION);
  cr = cairo_create (surface);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  pdf_line (cr, &y, 18, title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  y += 6;
  {
    g_autofree char *hours = dup_hours (f->offered_minutes);
    g_autofree char *fill = dup_percent (crn_figures_fill_rate (f));
    g_autofree char *noshow = dup_percent (crn_figures_noshow_rate (f));
    g_autofree char *l1 = g_strdup_printf (_("Slots offered to regulation: %u (%s)"), f->offered, hours);
    g_autofree char *l2 = g_strdup_printf (_("Slots booked: %u, fill rate %s"), f->booked, fill);
    g_autofree char *l3 = g_strdup_printf (_("Seen: %u, no-shows: %u, no-show rate %s, cancelled: %u"),
                                           f->seen, f->noshow, noshow, f->cancelled);
    g_autofree char *l4 = g_strdup_printf (_("Extra patients this quarter (Q%u): %u"),
                                           quarter_of (&a->month), a->quarter.extras);

    pdf_line (cr, &y, 11, l1);
    pdf_line (cr, &y, 11, l2);
    pdf_line (cr, &y, 11, l3);
    pdf_line (cr, &y, 11, l4);
  }

  y += 10;
  for (guint i = 0; i < a->n_weeks; i++)
    {
      label_text[i] = dup_week_label (&a->mondays[i]);
      labels[i] = label_text[i];
      offered[i] = a->weeks[i].offered;
      booked[i] = a->weeks[i].booked;
    }
  cairo_save (cr);
  cairo_translate (cr, 50, y);
  crn_chart_draw (cr, width - 100, 220, labels, offered, booked, a->n_weeks, _("Offered"),
                  _("Booked"), &black, &blue);
  cairo_restore (cr);
  y += 250;

  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < a->n_weeks; i++)
    {
      const CrnFigures *w = &a->weeks[i];
      g_autofree char *fill = dup_percent (crn_figures_fill_rate (w));
      g_autofree char *hours = dup_hours (w->offered_minutes);
      g_autofree char *line =
        g_strdup_printf (_("Week %u: %u offered (%s), %u booked, fill %s, %u/%u majorations, level 1 %s"),
                         g_date_get_iso8601_week_of_year (&a->mondays[i]), w->offered, hours,
                         w->booked, fill, crn_figures_majoration_count (w->sas_regulated),
                         CRN_SNP_MAJORATION_WEEKLY_CAP,
                         crn_figures_meets_level1 (w->offered_minutes) ? _("met") : _("not met"));

      pdf_line (cr, &y, 10, line);
    }

  for (guint i = 0; i < G_N_ELEMENTS (label_text); i++)
    g_free (label_text[i]);

  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The PDF file could not be written: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/*
 * Actions
 */

static void
update_actions (CrnActivityPage *self)
{
  gboolean ready = self->agenda != NULL && crn_agenda_get_store (self->agenda) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.previous", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.next", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.export-pdf", ready && self->shown != NULL);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CrnActivityPage *self = CRN_ACTIVITY_PAGE (widget);

  if (g_str_equal (action_name, "activity.previous"))
    g_date_subtract_months (&self->month, 1);
  else
    g_date_add_months (&self->month, 1);
  reload (self);
  update_actions (self);
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        CrnActivityPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (_("Choose a file on this computer.")));
      else if (!crn_activity_page_export_pdf (self, path, &error))
        crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (error->message));
      else
        crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (_("PDF saved")));
    }
  g_clear_object (&self->chooser);
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CrnActivityPage *self = CRN_ACTIVITY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Save the Month's Figures"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  /* TRANSLATORS: file name of the PDF, %04u-%02u is the year and month */
  name = g_strdup_printf (_("creneaux-activity-%04u-%02u.pdf"), g_date_get_year (&self->month),
                          g_date_get_month (&self->month));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_agenda_changed_cb (CrnActivityPage *self)
{
  update_actions (self);
  reload (self);
}

/*
 * GObject overrides
 */

static void
crn_activity_page_dispose (GObject *object)
{
  CrnActivityPage *self = (CrnActivityPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_ACTIVITY_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_clear_object (&self->agenda);

  G_OBJECT_CLASS (crn_activity_page_parent_class)->dispose (object);
}

static void
crn_activity_page_finalize (GObject *object)
{
  CrnActivityPage *self = (CrnActivityPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->shown, g_free);

  G_OBJECT_CLASS (crn_activity_page_parent_class)->finalize (object);
}

static void
crn_activity_page_class_init (CrnActivityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_activity_page_dispose;
  object_class->finalize = crn_activity_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-activity-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnActivityPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CrnActivityPage, content);
  gtk_widget_class_bind_template_child (widget_class, CrnActivityPage, month_label);

  gtk_widget_class_install_action (widget_class, "activity.previous", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "activity.next", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "activity.export-pdf", NULL, export_pdf_action);
}

static void
crn_activity_page_init (CrnActivityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  crn_time_to_local (crn_time_now (), &self->month, NULL, NULL);
  g_date_set_day (&self->month, 1);
  update_actions (self);
}

/*
 * Public API
 */

/**
 * crn_activity_page_set_agenda:
 * @self: a #CrnActivityPage
 * @agenda: (nullable): the agenda (its store computes the figures)
 */
void
crn_activity_page_set_agenda (CrnActivityPage *self,
                              CrnAgenda       *agenda)
{
  g_return_if_fail (CRN_IS_ACTIVITY_PAGE (self));

  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_set_object (&self->agenda, agenda);
  if (agenda != NULL)
    {
      g_signal_connect_object (agenda, "changed", G_CALLBACK (on_agenda_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (agenda, "notify::store", G_CALLBACK (on_agenda_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  on_agenda_changed_cb (self);
}

/**
 * crn_activity_page_set_month:
 * @self: a #CrnActivityPage
 * @day: a day of the month to show
 */
void
crn_activity_page_set_month (CrnActivityPage *self,
                             const GDate     *day)
{
  g_return_if_fail (CRN_IS_ACTIVITY_PAGE (self));
  g_return_if_fail (day != NULL && g_date_valid (day));

  self->month = *day;
  g_date_set_day (&self->month, 1);
  reload (self);
}

/**
 * crn_activity_page_is_loading:
 * @self: a #CrnActivityPage
 *
 * Returns: whether the figures are being computed
 */
gboolean
crn_activity_page_is_loading (CrnActivityPage *self)
{
  g_return_val_if_fail (CRN_IS_ACTIVITY_PAGE (self), FALSE);

  return self->loading != 0;
}

/**
 * crn_activity_page_get_month_figures:
 * @self: a #CrnActivityPage
 * @figures: (out caller-allocates): the month's figures
 * @quarter_extras: (out) (optional): extra patients in the month's quarter
 *
 * Returns: whether figures are shown
 */
gboolean
crn_activity_page_get_month_figures (CrnActivityPage *self,
                                     CrnFigures      *figures,
                                     guint           *quarter_extras)
{
  g_return_val_if_fail (CRN_IS_ACTIVITY_PAGE (self), FALSE);

  if (self->shown == NULL)
    return FALSE;
  *figures = self->shown->month_figures;
  if (quarter_extras != NULL)
    *quarter_extras = self->shown->quarter.extras;
  return TRUE;
}

/**
 * crn_activity_page_get_week_figures:
 * @self: a #CrnActivityPage
 * @index: a week of the month shown, from 0
 * @monday: (out caller-allocates) (optional): its Monday
 * @figures: (out caller-allocates): its figures
 *
 * Returns: whether there is such a week
 */
gboolean
crn_activity_page_get_week_figures (CrnActivityPage *self,
                                    guint            index,
                                    GDate           *monday,
                                    CrnFigures      *figures)
{
  g_return_val_if_fail (CRN_IS_ACTIVITY_PAGE (self), FALSE);

  if (self->shown == NULL || index >= self->shown->n_weeks)
    return FALSE;
  if (monday != NULL)
    *monday = self->shown->mondays[index];
  *figures = self->shown->weeks[index];
  return TRUE;
}

/**
 * crn_activity_page_export_pdf:
 * @self: a #CrnActivityPage
 * @path: the PDF file to write
 * @error: return location for a #GError
 *
 * Writes the month's figures, the weekly chart and the Avenant 9 checks as a one-page A4 PDF
 * (title and keywords name the month, "2026-12").
 *
 * Returns: whether the file was written
 */
gboolean
crn_activity_page_export_pdf (CrnActivityPage  *self,
                              const char       *path,
                              GError          **error)
{
  g_return_val_if_fail (CRN_IS_ACTIVITY_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return write_pdf (self, path, error);
}
