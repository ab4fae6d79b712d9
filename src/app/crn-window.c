/* crn-window.c: the main window: header bar, pages, toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnWindow"

#include "config.h"

#include "crn-window.h"

#include <glib/gi18n-lib.h>

struct _CrnWindow
{
  AdwApplicationWindow  parent_instance;

  CrnAgenda            *agenda;
  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  CrnWeekPage          *week_page;
  CrnAvailabilityPage  *availability_page;
  GtkSpinner           *sync_spinner;
  GtkLabel             *offline_label;
};

G_DEFINE_FINAL_TYPE (CrnWindow, crn_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_AGENDA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const page_names[] = { "week", "bookings", "availability", "review", "activity" };

/*
 * Helpers
 */

/* The schema is installed with the app; an uninstalled run without GSETTINGS_SCHEMA_DIR has
 * none, and the window then simply does not remember its size. */
static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed: window size and choices will not be kept",
                 APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
load_window_state (CrnWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (CrnWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* Only a page that exists is taken from the settings (an older or newer version may have
 * stored another name). */
static gboolean
get_page_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_strcmp0 (name, page_names[i]) == 0)
      {
        g_value_set_string (value, name);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
set_page_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char *name = g_value_get_string (value);

  return g_variant_new_string (name != NULL ? name : "week");
}

/*
 * Actions
 */

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  crn_window_show_page (CRN_WINDOW (widget), g_variant_get_string (param, NULL));
}

/*
 * GtkWindow overrides
 */

static gboolean
crn_window_close_request (GtkWindow *window)
{
  save_window_state (CRN_WINDOW (window));

  return GTK_WINDOW_CLASS (crn_window_parent_class)->close_request (window);
}

/*
 * GObject overrides
 */

static void
crn_window_constructed (GObject *object)
{
  CrnWindow *self = CRN_WINDOW (object);

  G_OBJECT_CLASS (crn_window_parent_class)->constructed (object);

  if (self->agenda == NULL)
    self->agenda = crn_agenda_new ();

  g_object_bind_property (self->agenda, "syncing", self->sync_spinner, "spinning",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->agenda, "syncing", self->sync_spinner, "visible",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->agenda, "online", self->offline_label, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  crn_week_page_set_agenda (self->week_page, self->agenda);
  crn_availability_page_set_agenda (self->availability_page, self->agenda);

  self->settings = new_settings ();
  if (self->settings != NULL)
    {
      load_window_state (self);
      g_settings_bind_with_mapping (self->settings, "last-page", self->view_stack, "visible-child-name",
                                    G_SETTINGS_BIND_DEFAULT, get_page_mapping, set_page_mapping,
                                    NULL, NULL);
      g_settings_bind (self->settings, "selected-practitioners", self->week_page,
                       "selected-practitioners", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "week-first-hour", self->week_page, "first-hour",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "week-last-hour", self->week_page, "last-hour",
                       G_SETTINGS_BIND_DEFAULT);
    }

  if (g_str_has_suffix (APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
crn_window_dispose (GObject *object)
{
  CrnWindow *self = (CrnWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->agenda);

  G_OBJECT_CLASS (crn_window_parent_class)->dispose (object);
}

static void
crn_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CrnWindow *self = CRN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_AGENDA:
      g_value_set_object (value, self->agenda);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CrnWindow *self = CRN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_AGENDA:
      self->agenda = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_window_class_init (CrnWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = crn_window_constructed;
  object_class->dispose = crn_window_dispose;
  object_class->get_property = crn_window_get_property;
  object_class->set_property = crn_window_set_property;

  window_class->close_request = crn_window_close_request;

  /**
   * CrnWindow:agenda:
   *
   * Where every page reads its data.
   */
  properties[PROP_AGENDA] =
    g_param_spec_object ("agenda", NULL, NULL, CRN_TYPE_AGENDA,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CRN_TYPE_WEEK_PAGE);
  g_type_ensure (CRN_TYPE_AVAILABILITY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, week_page);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, availability_page);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, offline_label);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", page_names[i]);
}

static void
crn_window_init (CrnWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/*
 * Public API
 */

/**
 * crn_window_new:
 * @application: the application
 * @agenda: (nullable): the data source; a new empty one if %NULL
 *
 * Returns: (transfer full): a new main window
 */
CrnWindow *
crn_window_new (AdwApplication *application,
                CrnAgenda      *agenda)
{
  g_return_val_if_fail (application == NULL || ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (agenda == NULL || CRN_IS_AGENDA (agenda), NULL);

  return g_object_new (CRN_TYPE_WINDOW,
                       "application", application,
                       "agenda", agenda,
                       NULL);
}

/**
 * crn_window_get_agenda:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the data source of the pages
 */
CrnAgenda *
crn_window_get_agenda (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->agenda;
}

/**
 * crn_window_get_view_stack:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the stack of pages
 */
AdwViewStack *
crn_window_get_view_stack (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->view_stack;
}

/**
 * crn_window_get_week_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Week page
 */
CrnWeekPage *
crn_window_get_week_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->week_page;
}

/**
 * crn_window_get_availability_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Availability page
 */
CrnAvailabilityPage *
crn_window_get_availability_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->availability_page;
}

/**
 * crn_window_show_page:
 * @self: a #CrnWindow
 * @name: "week", "bookings", "availability", "review" or "activity"
 */
void
crn_window_show_page (CrnWindow  *self,
                      const char *name)
{
  g_return_if_fail (CRN_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    {
      g_warning ("No page named “%s”", name);
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * crn_window_add_toast:
 * @self: a #CrnWindow
 * @toast: (transfer full): a toast
 */
void
crn_window_add_toast (CrnWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (CRN_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
