package org.text2image.worker.workflow;

/** A workflow template that cannot be used; the message starts with the template's name. */
public class InvalidWorkflowTemplateException extends RuntimeException {

    public InvalidWorkflowTemplateException(String source, String problem) {
        super("Workflow template " + source + " " + problem);
    }
}
