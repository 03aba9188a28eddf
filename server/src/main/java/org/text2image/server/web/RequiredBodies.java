package org.text2image.server.web;

import java.lang.reflect.Type;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * A required {@code @RequestBody} that reads as nothing (the JSON body {@code null}) is refused as
 * soon as it is read, before any other body advice sees it: Spring MVC would refuse it too, but
 * only after every advice ran, and an advice that expects an object fails with a 500. The answer
 * is {@link ApiExceptionHandler}'s 400 for a body that is not the expected JSON.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequiredBodies extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        RequestBody annotation = parameter.getParameterAnnotation(RequestBody.class);
        return annotation != null && annotation.required();
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        if (body == null) {
            throw new HttpMessageNotReadableException("Required request body is missing (it is JSON null)", inputMessage);
        }
        return body;
    }
}
