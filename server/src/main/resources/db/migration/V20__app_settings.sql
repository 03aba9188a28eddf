-- Live settings (settings/SettingsStore, page /admin/settings): an admin's override of one setting
-- whose default comes from the configuration. A setting without a row has its configured default.
-- Values are kept as the text the settings module parses and validated before they are written.
CREATE TABLE app_setting (
    name       text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,63}$'),
    value      text        NOT NULL CHECK (length(value) <= 4000),
    updated_by bigint      NOT NULL REFERENCES app_user (id),
    updated_at timestamptz NOT NULL
);

-- Every server instance keeps the settings in memory and reads the table again when this channel
-- rings (support/DatabaseSignals); the notification is sent on commit of any change, truncation included.
CREATE FUNCTION app_setting_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('app_setting_changed', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER app_setting_changed_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON app_setting
    FOR EACH STATEMENT EXECUTE FUNCTION app_setting_notify_changed();
