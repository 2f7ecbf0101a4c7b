package io.needlestack.storage.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URL;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * StorageService is declared in META-INF/ejb-jar.xml as well as annotated, so that it deploys
 * even when Payara's annotation scan misses it (see the comment in that file). The two must
 * describe the same bean: a declaration that drifted from the class would make a second bean,
 * or a different transaction or resource, only on the nodes where the scan failed.
 */
class StorageServiceDescriptorTest {

    private static final String NS = "https://jakarta.ee/xml/ns/jakartaee";

    @Test
    void theDeclaredBeanIsTheAnnotatedOne() throws Exception {
        Element session = single(parse("/META-INF/ejb-jar.xml").getDocumentElement(), "session");
        Stateless stateless = StorageService.class.getAnnotation(Stateless.class);
        assertNotNull(stateless, "StorageService is no longer @Stateless");
        // The annotation's default name is the simple class name: the same name merges the two.
        assertEquals(stateless.name().isEmpty() ? StorageService.class.getSimpleName() : stateless.name(),
                text(session, "ejb-name"));
        assertEquals(StorageService.class.getName(), text(session, "ejb-class"));
        assertEquals("Stateless", text(session, "session-type"));
        assertEquals(0, StorageService.class.getInterfaces().length, "a no-interface view is declared");
        assertNotNull(single(session, "local-bean"));
    }

    @Test
    void theDeclaredTransactionAttributeIsTheAnnotatedOne() throws Exception {
        Element tx = single(parse("/META-INF/ejb-jar.xml").getDocumentElement(), "container-transaction");
        TransactionAttributeType annotated = StorageService.class.getAnnotation(TransactionAttribute.class).value();
        assertEquals(TransactionAttributeType.NOT_SUPPORTED, annotated);
        assertEquals("NotSupported", text(tx, "trans-attribute"));
        assertEquals(StorageService.class.getSimpleName(), text(single(tx, "method"), "ejb-name"));
        assertEquals("*", text(single(tx, "method"), "method-name"));
    }

    @Test
    void theDeclaredResourceIsTheInjectedField() throws Exception {
        Element ref = single(parse("/META-INF/ejb-jar.xml").getDocumentElement(), "resource-ref");
        Element target = single(ref, "injection-target");
        assertEquals(StorageService.class.getName(), text(target, "injection-target-class"));
        Field field = StorageService.class.getDeclaredField(text(target, "injection-target-name"));
        Resource resource = field.getAnnotation(Resource.class);
        assertNotNull(resource, field + " is no longer injected by @Resource");
        // The annotation's default reference name: declared under it, the two are one reference.
        assertEquals(StorageService.class.getName() + "/" + field.getName(), text(ref, "res-ref-name"));
        assertEquals(field.getType().getName(), text(ref, "res-type"));
        assertEquals(StorageService.CONNECTION_FACTORY, text(ref, "lookup-name"));
        assertEquals(resource.lookup(), text(ref, "lookup-name"));
    }

    @Test
    void theJarIsABeanArchiveOfAllItsClasses() throws Exception {
        Element beans = parse("/META-INF/beans.xml").getDocumentElement();
        assertEquals("beans", beans.getLocalName());
        assertEquals("all", beans.getAttribute("bean-discovery-mode"));
    }

    private static Document parse(String resource) throws Exception {
        URL url = StorageService.class.getResource(resource);
        assertNotNull(url, resource + " missing");
        assertTrue(url.getPath().contains("storage-ejb"), resource + " came from " + url);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        try (InputStream in = url.openStream()) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private static Element single(Element parent, String name) {
        var found = parent.getElementsByTagNameNS(NS, name);
        assertEquals(1, found.getLength(), "<" + name + "> elements in <" + parent.getLocalName() + ">");
        return (Element) found.item(0);
    }

    private static String text(Element parent, String name) {
        return single(parent, name).getTextContent().strip();
    }
}
