import type { ReactNode } from 'react';

/** What a control needs to be tied to its label, help text and error. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  required?: boolean;
}

/**
 * One labelled form field: the label (required ones marked), the control, its help text and the error beside it,
 * all tied together for screen readers. `group` makes it a fieldset with a legend (checkbox groups, contacts).
 */
export function Field({ id, label, required = false, help, error, group = false, className = '', children }: {
  id: string;
  label: ReactNode;
  required?: boolean;
  help?: ReactNode;
  error?: string;
  group?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const control: ControlProps = { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required: required || undefined };
  const title = (
    <>
      {label}
      {required && <><span aria-hidden="true" className="required"> *</span><span className="visually-hidden"> (required)</span></>}
    </>
  );
  const notes = (
    <>
      {help && <small id={helpId} className="help">{help}</small>}
      {error && <small id={errorId} className="field-error">{error}</small>}
    </>
  );
  const classes = `field ${className}${error ? ' has-error' : ''}`;
  if (group) {
    return (
      <fieldset className={`${classes} group`} id={id} aria-describedby={describedBy} tabIndex={-1}>
        <legend>{title}</legend>
        {children({ id: `${id}-control`, 'aria-invalid': control['aria-invalid'] })}
        {notes}
      </fieldset>
    );
  }
  return (
    <div className={classes}>
      <label htmlFor={id}>{title}</label>
      {children(control)}
      {notes}
    </div>
  );
}
