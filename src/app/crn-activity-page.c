/* crn-activity-page.c: the practice's figures by week and month, charts, PDF of the month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnActivityPage"

#include "config.h"

#include "crn-activity-page.h"

#include <glib/gi18n-lib.h>

#include "crn-chart.h"
#include "crn-export.h"
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

static void update_actions (CrnActivityPage *self);

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
      /* Export PDF needs figures shown: a page built after the agenda's last change (the
       * window builds it when first shown) has no later ::changed to enable it. */
      update_actions (self);
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
 * The PDF of the month: the same document as Export… (crn_export_pdf_build())
 */

static void
on_pdf_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!crn_export_save_finish (CRN_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CrnActivityPage *self = CRN_ACTIVITY_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (crn_activity_page_export_pdf_finish (self, result, &error))
    crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (_("PDF saved")));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (error->message));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        CrnActivityPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file == NULL || !g_file_is_native (file))
        crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (_("Choose a file on this computer.")));
      else
        crn_activity_page_export_pdf_async (self, file, self->cancellable, on_exported_cb, NULL);
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
 * crn_activity_page_export_pdf_async:
 * @self: a #CrnActivityPage
 * @file: the PDF file to write (replaced atomically)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written
 * @user_data: data for @callback
 *
 * Saves the shown month as the one-page A4 PDF of crn_export_pdf_build(): the month's
 * figures, the charts per week and per day, Avenant 9's checks per calendar week and the
 * bookings by referrer (title and keywords name the month, "2026-12").
 */
void
crn_activity_page_export_pdf_async (CrnActivityPage     *self,
                                    GFile               *file,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CrnStore *store;
  CrnExportRequest request;

  g_return_if_fail (CRN_IS_ACTIVITY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_activity_page_export_pdf_async);
  store = self->agenda != NULL ? crn_agenda_get_store (self->agenda) : NULL;
  if (store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The figures are not loaded yet. Try again in a moment."));
      return;
    }
  crn_export_request_init (&request, CRN_EXPORT_PDF);
  request.month = self->month;
  crn_export_save_async (store, &request, file, cancellable, on_pdf_saved_cb,
                         g_steal_pointer (&task));
}

/**
 * crn_activity_page_export_pdf_finish:
 *
 * Returns: whether the file was written
 */
gboolean
crn_activity_page_export_pdf_finish (CrnActivityPage  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
